package dev.pgevents.benchmark;

import dev.pgevents.processor.Task;
import dev.pgevents.processor.TaskHandler;
import dev.pgevents.processor.TaskObserver;
import dev.pgevents.processor.TaskQueue;
import dev.pgevents.processor.TaskSettings;
import dev.pgevents.processor.TaskWorker;
import dev.pgevents.testsupport.EventStoreFixture;
import dev.pgevents.testsupport.PooledDataSource;
import dev.pgevents.testsupport.Sql;
import dev.pgevents.testsupport.TestTransactions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * The processors outside Liberty (the JTA stand-in of the tests), two workers (nodes) with
 * concurrency 8 each on one queue, a handler that does nothing (so the figures are the queue's
 * own cost: claim, completion, lease fence):
 * <ol>
 *   <li>drain: N pre-enqueued tasks (default 20,000), tasks/s until all are done;</li>
 *   <li>steady: 2,000 tasks enqueued one per transaction by one producer, each commit waking a
 *       worker (as the after-commit CDI event does in the application; polls every 50 ms as the
 *       fallback); tasks/s and the latency from the enqueue to the completion (database clock:
 *       {@code finished_at - enqueued_at}): p50, p99, max.</li>
 * </ol>
 *
 * <pre>
 * mvn -q test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.pgevents.benchmark.ProcessorBenchmark [-Dexec.args=20000]
 * </pre>
 */
public final class ProcessorBenchmark {

    private static final String TYPE = "bench-noop";

    private ProcessorBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int drained = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int steady = 2_000;
        DataSource raw = EventStoreFixture.migrated("processor_benchmark");
        ExecutorService executor = Executors.newFixedThreadPool(16);
        ScheduledExecutorService pollers = Executors.newScheduledThreadPool(2);
        try (PooledDataSource pool = new PooledDataSource(raw, 24)) {
            TestTransactions tx = new TestTransactions(pool);
            TaskSettings settings = TaskSettings.resolve(TYPE, key -> java.util.Optional.ofNullable(
                    key.endsWith(".concurrency") ? "8" : null));
            List<TaskWorker> workers = new ArrayList<>();
            for (String node : List.of("node-a", "node-b")) {
                TaskWorker w = new TaskWorker(node, tx, tx.dataSource(), t -> settings, executor, TaskObserver.NONE);
                w.register(new TaskHandler() {
                    public String type() {
                        return TYPE;
                    }

                    public void handle(Task task) {
                    }
                });
                workers.add(w);
            }
            TaskQueue queue = new TaskQueue(tx.dataSource(), t -> { });

            long position = 0;
            for (int b = 0; b < drained / 1_000; b++) {
                long from = position;
                tx.run(() -> {
                    for (long p = from + 1; p <= from + 1_000; p++) {
                        queue.enqueue(TYPE, "{\"cart\":\"c-" + p + "\"}", p);
                    }
                });
                position += 1_000;
            }
            long t0 = System.nanoTime();
            for (TaskWorker w : workers) {
                pollers.scheduleWithFixedDelay(() -> poll(w), 0, 50, TimeUnit.MILLISECONDS);
            }
            awaitDone(raw, drained, Duration.ofMinutes(5));
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("drain: %,d tasks in %.2f s = %,.0f tasks/s (2 nodes x concurrency 8, no-op handler)%n",
                    drained, seconds, drained / seconds);

            AtomicBoolean wakePending = new AtomicBoolean();
            AtomicLong next = new AtomicLong();
            long s0 = System.nanoTime();
            for (int i = 0; i < steady; i++) {
                long p = ++position;
                tx.run(() -> queue.enqueue(TYPE, "{}", p));
                if (wakePending.compareAndSet(false, true)) { // the after-commit wake-up, coalesced
                    TaskWorker w = workers.get((int) (next.getAndIncrement() % workers.size()));
                    executor.execute(() -> {
                        wakePending.set(false);
                        poll(w);
                    });
                }
            }
            awaitDone(raw, drained + steady, Duration.ofMinutes(5));
            double steadySeconds = (System.nanoTime() - s0) / 1e9;
            List<String> ms = Sql.queryStrings(raw, "SELECT round(extract(epoch FROM x) * 1000, 2)::text FROM ("
                    + " SELECT unnest(percentile_disc(ARRAY[0.5, 0.99, 1.0]) WITHIN GROUP (ORDER BY finished_at - enqueued_at)) x"
                    + " FROM es_task WHERE triggering_position > ?) q", (long) drained);
            System.out.printf("steady: %,d tasks enqueued one per transaction and run in %.2f s = %,.0f tasks/s;"
                    + " latency enqueue -> done: p50 %s ms, p99 %s ms, max %s ms%n",
                    steady, steadySeconds, steady / steadySeconds, ms.get(0), ms.get(1), ms.get(2));
        } finally {
            pollers.shutdownNow();
            executor.shutdownNow();
        }
    }

    private static void poll(TaskWorker w) {
        try {
            w.poll(TYPE);
        } catch (RuntimeException e) {
            System.err.println("poll failed: " + e);
        }
    }

    private static void awaitDone(DataSource raw, long done, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (Sql.queryLong(raw, "SELECT count(*) FROM es_task WHERE status = 'DONE'") < done) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not all tasks done within " + timeout);
            }
            Thread.sleep(20); // polling a condition with a deadline
        }
    }
}
