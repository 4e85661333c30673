package dev.pgevents.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.testsupport.Sql;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Failing tasks: backoff with jitter, max attempts or deadline, the failure callback, the operators' retry and delete. */
class TaskFailureTest {

    static ProcessorFixture f;

    @BeforeAll
    static void setUp() {
        f = new ProcessorFixture("processor_failure_test");
    }

    @AfterAll
    static void tearDown() {
        f.close();
    }

    /** Runs the task's next attempt now (due now, claimed, run); returns its outcome. */
    private static TaskWorker.Outcome attempt(TaskWorker w, String type, long id) {
        f.dueNow(id);
        List<Task> claimed = w.claim(type, 1);
        assertEquals(List.of(id), claimed.stream().map(Task::id).toList());
        return w.run(claimed.get(0));
    }

    /** The stored delay of a queued task: run_at - last_error_at, in milliseconds. */
    private static long storedDelayMillis(long id) {
        return Sql.queryLong(f.raw, "SELECT round(extract(epoch FROM run_at - last_error_at) * 1000)::bigint"
                + " FROM es_task WHERE task_id = ?", id);
    }

    @Test
    void failedAttemptsAreRetriedWithExponentialBackoffAndJitterWithinBounds() {
        TaskWorker w = f.worker("node-a", s -> s.maxAttempts(6)
                .backoff(Duration.ofSeconds(1), Duration.ofSeconds(5), 2.0, 0.25));
        ProcessorFixture.Counting h = f.new Counting("backoff", "node-a");
        h.failing = true;
        w.register(h);
        // several tasks, so the jitter shows: equal bases, different delays
        List<Long> ids = List.of(f.enqueue("backoff", 1), f.enqueue("backoff", 2), f.enqueue("backoff", 3));
        long[] bases = {1000, 2000, 4000, 5000, 5000}; // min * 2^(n-1), capped at max
        java.util.Set<Long> delays = new java.util.HashSet<>();
        for (int n = 1; n <= 5; n++) {
            ids.forEach(f::dueNow);
            List<Task> claimed = w.claim("backoff", 10);
            assertEquals(ids, claimed.stream().map(Task::id).toList());
            for (Task t : claimed) {
                assertEquals(TaskWorker.Outcome.RETRY_SCHEDULED, w.run(t));
            }
            for (long id : ids) {
                long delay = storedDelayMillis(id);
                long base = bases[n - 1];
                assertTrue(delay >= base * 3 / 4 - 2 && delay <= base + 2,
                        "attempt " + n + ": delay " + delay + " ms outside [" + base * 3 / 4 + ", " + base + "]");
                delays.add(delay);
                assertEquals(TaskStatus.QUEUED, f.status(id));
                assertTrue(Sql.queryStrings(f.raw, "SELECT last_error FROM es_task WHERE task_id = ?", id).get(0)
                        .startsWith("java.lang.IllegalStateException: refusing task " + id + " attempt " + n));
            }
        }
        assertTrue(delays.size() > 5, "the jitter spreads the delays: " + delays);
        assertEquals(List.of(), w.claim("backoff", 10), "nothing is due before its backoff ended");
    }

    @Test
    void theBackoffFormula() {
        TaskSettings s = new TaskSettingsBuilder().backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 3.0, 0.5).build();
        assertEquals(Duration.ofMillis(100), s.backoff(1, () -> 0));
        assertEquals(Duration.ofMillis(300), s.backoff(2, () -> 0));
        assertEquals(Duration.ofMillis(900), s.backoff(3, () -> 0));
        assertEquals(Duration.ofSeconds(1), s.backoff(4, () -> 0));
        assertEquals(Duration.ofMillis(500), s.backoff(9, () -> 1.0), "jitter shortens by at most half");
        assertEquals(Duration.ofMillis(150), s.backoff(2, () -> 1.0));
    }

    @Test
    void afterTheLastAttemptTheTaskFailsAndTheCallbackCommitsWithTheMark() {
        TaskWorker w = f.worker("node-a", s -> s.maxAttempts(3).backoff(Duration.ofMillis(10), Duration.ofMillis(10), 1, 0));
        ProcessorFixture.Counting h = f.new Counting("exhaust", "node-a");
        h.failing = true;
        w.register(h);
        long id = f.enqueue("exhaust", 1);
        assertEquals(TaskWorker.Outcome.RETRY_SCHEDULED, attempt(w, "exhaust", id));
        assertEquals(TaskWorker.Outcome.RETRY_SCHEDULED, attempt(w, "exhaust", id));
        assertEquals(0, h.callbacks.get());
        assertEquals(TaskWorker.Outcome.FAILED, attempt(w, "exhaust", id));
        assertEquals(TaskStatus.FAILED, f.status(id));
        assertEquals(1, h.callbacks.get());
        assertEquals(List.of("java.lang.IllegalStateException: refusing task " + id + " attempt 3"),
                Sql.queryStrings(f.raw, "SELECT error FROM task_failures WHERE task_id = ?", id), "the callback's write committed");
        f.dueNow(id);
        assertEquals(List.of(), w.claim("exhaust", 10), "a failed task is never claimed");
        assertEquals(3, h.executions(id));
    }

    @Test
    void aTaskPastItsDeadlineFailsEvenWithAttemptsLeft() {
        TaskWorker w = f.worker("node-a", s -> s.maxAttempts(100).deadline(Duration.ofSeconds(10))
                .backoff(Duration.ofSeconds(2), Duration.ofSeconds(2), 1, 0));
        ProcessorFixture.Counting h = f.new Counting("deadline", "node-a");
        h.failing = true;
        w.register(h);
        long id = f.enqueue("deadline", 1);
        assertEquals(TaskWorker.Outcome.RETRY_SCHEDULED, attempt(w, "deadline", id));
        // 9 s later (the enqueue moved back): the next attempt would start after the deadline
        Sql.exec(f.raw, "UPDATE es_task SET enqueued_at = enqueued_at - interval '9 seconds' WHERE task_id = ?", id);
        assertEquals(TaskWorker.Outcome.FAILED, attempt(w, "deadline", id));
        assertEquals(1, h.callbacks.get());
    }

    @Test
    void aFailingCallbackRollsBackItsWorkAndTheTaskFailsAnywaySayingSo() {
        TaskWorker w = f.worker("node-a", s -> s.maxAttempts(1));
        ProcessorFixture.Counting h = f.new Counting("callback-fails", "node-a");
        h.failing = true;
        h.callbackFails = true;
        w.register(h);
        long id = f.enqueue("callback-fails", 1);
        assertEquals(TaskWorker.Outcome.FAILED, attempt(w, "callback-fails", id));
        assertEquals(TaskStatus.FAILED, f.status(id));
        assertEquals(0, Sql.queryLong(f.raw, "SELECT count(*) FROM task_failures WHERE task_id = ?", id),
                "the callback's write rolled back");
        String error = Sql.queryStrings(f.raw, "SELECT last_error FROM es_task WHERE task_id = ?", id).get(0);
        assertTrue(error.contains("refusing task " + id) && error.contains("\nfailure callback: java.lang.IllegalStateException:"
                + " the callback fails too"), error);
    }

    @Test
    void anOperatorRetriesAFailedTaskWithFreshAttemptsOrDeletesIt() {
        TaskWorker w = f.worker("node-a", s -> s.maxAttempts(1));
        TaskAdmin admin = new TaskAdmin(w);
        ProcessorFixture.Counting h = f.new Counting("admin", "node-a");
        h.failing = true;
        w.register(h);
        long retried = f.enqueue("admin", 1);
        assertEquals(TaskWorker.Outcome.FAILED, attempt(w, "admin", retried));
        long deleted = f.enqueue("admin", 2);
        assertEquals(TaskWorker.Outcome.FAILED, attempt(w, "admin", deleted));
        assertEquals(List.of(retried, deleted),
                admin.list(TaskStatus.FAILED, "admin", 10).stream().map(TaskInfo::id).toList());

        TaskInfo queued = admin.retry(retried);
        assertEquals(TaskStatus.QUEUED, queued.status());
        assertEquals(0, queued.attempts());
        assertNull(queued.finishedAt());
        h.failing = false;
        List<Task> claimed = w.claim("admin", 10);
        assertEquals(List.of(retried), claimed.stream().map(Task::id).toList(), "due at once");
        assertEquals(1, claimed.get(0).attempt());
        assertEquals(TaskWorker.Outcome.COMPLETED, w.run(claimed.get(0)));
        TaskStateException done = assertThrows(TaskStateException.class, () -> admin.retry(retried));
        assertEquals("task " + retried + " is done; it cannot be retried", done.getMessage());

        admin.delete(deleted);
        assertThrows(TaskNotFoundException.class, () -> admin.info(deleted));
        assertThrows(TaskNotFoundException.class, () -> admin.retry(deleted));
        assertThrows(TaskNotFoundException.class, () -> admin.delete(deleted));

        long running = f.enqueue("admin", 3);
        assertEquals(1, w.claim("admin", 10).size());
        TaskStateException busy = assertThrows(TaskStateException.class, () -> admin.delete(running));
        assertTrue(busy.getMessage().startsWith("task " + running + " is running on node-a"), busy.getMessage());
        assertThrows(TaskStateException.class, () -> admin.retry(running));
        assertThrows(IllegalArgumentException.class, () -> admin.list(null, null, 0));
    }
}
