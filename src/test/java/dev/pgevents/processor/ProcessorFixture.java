package dev.pgevents.processor;

import dev.pgevents.testsupport.EventStoreFixture;
import dev.pgevents.testsupport.PooledDataSource;
import dev.pgevents.testsupport.Sql;
import dev.pgevents.testsupport.TestTransactions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

/**
 * A migrated database, a pooled data source, the JTA stand-in, the queue, and workers (nodes) on
 * them with a thread pool as their executor; a handler that counts its executions per task.
 */
final class ProcessorFixture implements AutoCloseable {

    final DataSource raw;
    final PooledDataSource pool;
    final TestTransactions tx;
    final TaskQueue queue;
    final ExecutorService executor = Executors.newFixedThreadPool(12);

    ProcessorFixture(String database) {
        raw = EventStoreFixture.migrated(database);
        pool = new PooledDataSource(raw, 30);
        tx = new TestTransactions(pool);
        queue = new TaskQueue(tx.dataSource(), type -> { });
        Sql.exec(raw, "CREATE TABLE task_failures (task_id bigint NOT NULL, error text NOT NULL)");
    }

    TaskWorker worker(String node, UnaryOperator<TaskSettingsBuilder> settings) {
        TaskSettings s = settings.apply(new TaskSettingsBuilder()).build();
        return new TaskWorker(node, tx, tx.dataSource(), type -> s, executor, TaskObserver.NONE);
    }

    /** Enqueues and commits. */
    long enqueue(String type, long position) {
        tx.run(() -> queue.enqueue(type, "{\"n\":" + position + "}", position));
        return Sql.queryLong(raw, "SELECT task_id FROM es_task WHERE type = ? AND triggering_position = ?", type, position);
    }

    TaskStatus status(long id) {
        return TaskStatus.valueOf(Sql.queryStrings(raw, "SELECT status FROM es_task WHERE task_id = ?", id).get(0));
    }

    long count(String type, TaskStatus status) {
        return Sql.queryLong(raw, "SELECT count(*) FROM es_task WHERE type = ? AND status = ?", type, status.name());
    }

    /** Makes a queued task due now (instead of waiting for its backoff). */
    void dueNow(long id) {
        Sql.exec(raw, "UPDATE es_task SET run_at = clock_timestamp() WHERE task_id = ?", id);
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            try {
                Thread.sleep(5); // polling a condition with a deadline, not a race
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /**
     * A handler counting its executions per task; it throws while {@code failing} is set; its
     * failure callback records the error in {@code task_failures} in the callback's transaction.
     */
    class Counting implements TaskHandler {
        final String type;
        final Map<Long, AtomicInteger> executions = new ConcurrentHashMap<>();
        final Map<Long, String> handledBy = new ConcurrentHashMap<>();
        volatile boolean failing;
        volatile boolean callbackFails;
        final AtomicInteger callbacks = new AtomicInteger();
        final String node;

        Counting(String type, String node) {
            this.type = type;
            this.node = node;
        }

        @Override
        public String type() {
            return type;
        }

        @Override
        public void handle(Task task) {
            executions.computeIfAbsent(task.id(), k -> new AtomicInteger()).incrementAndGet();
            handledBy.put(task.id(), node);
            if (failing) {
                throw new IllegalStateException("refusing task " + task.id() + " attempt " + task.attempt());
            }
        }

        @Override
        public void failed(Task task, String error) {
            callbacks.incrementAndGet();
            Sql.exec(tx.dataSource(), "INSERT INTO task_failures (task_id, error) VALUES (?, ?)", task.id(), error);
            if (callbackFails) {
                throw new IllegalStateException("the callback fails too");
            }
        }

        int executions(long id) {
            AtomicInteger n = executions.get(id);
            return n == null ? 0 : n.get();
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        pool.close();
    }
}
