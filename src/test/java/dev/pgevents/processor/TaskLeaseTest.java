package dev.pgevents.processor;

import static dev.pgevents.processor.ProcessorFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.testsupport.Sql;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Several workers (nodes) on one queue: leases, takeover, SKIP LOCKED sharing, the concurrency limit. */
class TaskLeaseTest {

    static ProcessorFixture f;

    @BeforeAll
    static void setUp() {
        f = new ProcessorFixture("processor_lease_test");
    }

    @AfterAll
    static void tearDown() {
        f.close();
    }

    @Test
    void aTaskWhoseWorkerDiedIsTakenOverAfterItsLeaseExpiresAndTheLateOutcomeIsFencedOut() {
        Duration lease = Duration.ofMillis(500);
        TaskWorker a = f.worker("node-a", s -> s.leaseDuration(lease));
        TaskWorker b = f.worker("node-b", s -> s.leaseDuration(lease));
        ProcessorFixture.Counting onA = f.new Counting("takeover", "node-a");
        ProcessorFixture.Counting onB = f.new Counting("takeover", "node-b");
        a.register(onA);
        b.register(onB);
        long id = f.enqueue("takeover", 1);

        // The lease runs from the claim's statement on the database's clock: from before the call,
        // not after its return (a slow return on a loaded machine left a lease that looked short).
        long claimed = System.nanoTime();
        List<Task> claimedByA = a.claim("takeover", 10);
        assertEquals(1, claimedByA.size());
        assertEquals(1, claimedByA.get(0).attempt()); // node a dies holding the claim
        assertEquals(List.of(), b.claim("takeover", 10), "a valid lease keeps the task with node a");

        List<Task> claimedByB = new ArrayList<>();
        await("node b to take the task over", Duration.ofSeconds(10), () -> claimedByB.addAll(b.claim("takeover", 10)));
        long tookMs = (System.nanoTime() - claimed) / 1_000_000;
        assertTrue(tookMs >= lease.toMillis() - 50, "taken over after " + tookMs + " ms, before the lease expired");
        assertTrue(tookMs <= lease.toMillis() + 2000, "taken over only after " + tookMs + " ms");
        Task again = claimedByB.get(0);
        assertEquals(id, again.id());
        assertEquals(2, again.attempt(), "the takeover is the next attempt");
        assertEquals(TaskWorker.Outcome.COMPLETED, b.run(again));

        // node a was only paused: its late attempt runs but cannot record anything
        assertEquals(TaskWorker.Outcome.NOT_OWNER, a.run(claimedByA.get(0)));
        assertEquals(TaskStatus.DONE, f.status(id));
        assertEquals("node-b", Sql.queryStrings(f.raw, "SELECT claimed_by FROM es_task WHERE task_id = ?", id).get(0));
        onB.failing = true; // nothing runs again
        assertEquals(List.of(), b.claim("takeover", 10));
    }

    @Test
    void aRunningTasksLeaseIsRenewedSoNoOtherWorkerTakesIt() {
        Duration lease = Duration.ofMillis(400);
        TaskWorker a = f.worker("node-a", s -> s.leaseDuration(lease).concurrency(1));
        TaskWorker b = f.worker("node-b", s -> s.leaseDuration(lease));
        CountDownLatch finish = new CountDownLatch(1);
        a.register(new TaskHandler() {
            public String type() {
                return "long";
            }

            public void handle(Task task) throws InterruptedException {
                finish.await(30, TimeUnit.SECONDS);
            }
        });
        b.register(f.new Counting("long", "node-b"));
        long id = f.enqueue("long", 1);
        assertEquals(1, a.poll("long"));
        await("the task to run on node a", Duration.ofSeconds(5), () -> a.running("long") == 1);
        // for three lease durations node a keeps renewing while node b keeps trying
        long until = System.nanoTime() + lease.multipliedBy(3).toNanos();
        while (System.nanoTime() < until) {
            assertEquals(1, a.renewLeases());
            assertEquals(List.of(), b.claim("long", 10), "node b must not take a renewed task");
            long next = System.nanoTime() + lease.toNanos() / 10; // pace the rounds
            await("a tenth of the lease to pass", Duration.ofSeconds(1), () -> System.nanoTime() >= next);
        }
        finish.countDown();
        await("the task to complete", Duration.ofSeconds(5), () -> f.status(id) == TaskStatus.DONE);
        assertEquals(1, Sql.queryLong(f.raw, "SELECT attempts FROM es_task WHERE task_id = ?", id));
    }

    @Test
    void aClaimSkipsTasksLockedByAnotherTransactionInsteadOfWaiting() throws Exception {
        TaskWorker a = f.worker("node-a", s -> s);
        a.register(f.new Counting("skip", "node-a"));
        long locked = f.enqueue("skip", 1);
        long free = f.enqueue("skip", 2);
        try (Connection other = f.pool.getConnection()) {
            other.setAutoCommit(false);
            Sql.exec(other, "SELECT 1 FROM es_task WHERE task_id = ? FOR UPDATE", locked);
            long t0 = System.nanoTime();
            List<Task> claimed = a.claim("skip", 10);
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(2).toNanos(), "the claim waited for the lock");
            assertEquals(List.of(free), claimed.stream().map(Task::id).toList());
            other.rollback();
        }
        assertEquals(List.of(locked), a.claim("skip", 10).stream().map(Task::id).toList());
    }

    @Test
    void workersOnThreeNodesShareTheQueueAndRunEachTaskExactlyOnce() throws Exception {
        int n = 300;
        List<TaskWorker> workers = new ArrayList<>();
        List<ProcessorFixture.Counting> handlers = new ArrayList<>();
        AtomicInteger concurrentMax = new AtomicInteger();
        for (String node : List.of("node-a", "node-b", "node-c")) {
            TaskWorker w = f.worker(node, s -> s.concurrency(3));
            AtomicInteger now = new AtomicInteger();
            ProcessorFixture.Counting h = f.new Counting("shared", node) {
                @Override
                public void handle(Task task) {
                    concurrentMax.accumulateAndGet(now.incrementAndGet(), Math::max);
                    try {
                        super.handle(task);
                    } finally {
                        now.decrementAndGet();
                    }
                }
            };
            w.register(h);
            workers.add(w);
            handlers.add(h);
        }
        f.tx.run(() -> {
            for (int i = 1; i <= n; i++) {
                f.queue.enqueue("shared", "{}", i);
            }
        });
        AtomicBoolean going = new AtomicBoolean(true);
        List<Future<?>> pollers = new ArrayList<>();
        var pollThreads = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            for (TaskWorker w : workers) {
                pollers.add(pollThreads.submit(() -> {
                    while (going.get()) {
                        w.poll("shared");
                        Thread.onSpinWait();
                    }
                }));
            }
            await("every task done", Duration.ofSeconds(60), () -> f.count("shared", TaskStatus.DONE) == n);
            going.set(false);
            for (Future<?> p : pollers) {
                p.get(10, TimeUnit.SECONDS);
            }
        } finally {
            pollThreads.shutdownNow();
        }
        List<Long> ids = Sql.queryStrings(f.raw, "SELECT task_id FROM es_task WHERE type = 'shared'").stream()
                .map(Long::valueOf).toList();
        for (long id : ids) {
            int runs = handlers.stream().mapToInt(h -> h.executions(id)).sum();
            assertEquals(1, runs, "task " + id + " ran " + runs + " times");
        }
        for (ProcessorFixture.Counting h : handlers) {
            assertTrue(h.executions.size() > 0, h.node + " ran no task: the queue was not shared");
        }
        assertTrue(concurrentMax.get() <= 3, "more than the concurrency ran at once on one node: " + concurrentMax);
        assertEquals(n, Sql.queryLong(f.raw, "SELECT sum(attempts) FROM es_task WHERE type = 'shared'"), "one attempt each");
    }

    @Test
    void aNodeRunsNoMoreTasksOfATypeThanItsConcurrencyAndTakesTheNextWhenASlotFrees() {
        TaskWorker a = f.worker("node-a", s -> s.concurrency(2));
        CountDownLatch finish = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        a.register(new TaskHandler() {
            public String type() {
                return "limited";
            }

            public void handle(Task task) throws InterruptedException {
                started.incrementAndGet();
                finish.await(30, TimeUnit.SECONDS);
            }
        });
        for (int i = 1; i <= 5; i++) {
            f.enqueue("limited", i);
        }
        assertEquals(2, a.poll("limited"));
        assertEquals(0, a.poll("limited"), "both slots are busy");
        await("two tasks to start", Duration.ofSeconds(5), () -> started.get() == 2);
        assertEquals(2, f.count("limited", TaskStatus.RUNNING));
        assertEquals(3, f.count("limited", TaskStatus.QUEUED));
        finish.countDown(); // each ending task polls for the next one
        await("all five to complete", Duration.ofSeconds(10), () -> f.count("limited", TaskStatus.DONE) == 5);
    }

    @Test
    void aStoppingNodeHandsItsRunningTasksBack() {
        TaskWorker a = f.worker("node-stopping", s -> s);
        TaskWorker b = f.worker("node-b", s -> s);
        a.register(f.new Counting("handback", "node-stopping"));
        b.register(f.new Counting("handback", "node-b"));
        long id = f.enqueue("handback", 1);
        assertEquals(1, a.claim("handback", 1).size());
        assertEquals(1, a.releaseLeases());
        List<Task> taken = b.claim("handback", 1);
        assertEquals(List.of(id), taken.stream().map(Task::id).toList(), "due at once, no lease to wait for");
        assertEquals(1, taken.get(0).attempt(), "the interrupted attempt does not count");
    }
}
