package dev.pgevents.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.testsupport.Sql;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Enqueue: joins the caller's transaction, idempotent on (type, triggering position), validated. */
class TaskQueueTest {

    static ProcessorFixture f;

    @BeforeAll
    static void setUp() {
        f = new ProcessorFixture("processor_queue_test");
    }

    @AfterAll
    static void tearDown() {
        f.close();
    }

    private static long tasks(String type) {
        return Sql.queryLong(f.raw, "SELECT count(*) FROM es_task WHERE type = ?", type);
    }

    @Test
    void theEnqueueCommitsAndRollsBackWithTheCallersTransaction() {
        assertThrows(IllegalStateException.class, () -> f.tx.run(() -> {
            assertTrue(f.queue.enqueue("joins", "{\"cart\":\"c1\"}", 7));
            throw new IllegalStateException("the caller's work fails");
        }));
        assertEquals(0, tasks("joins"), "rolled back with the caller");
        f.tx.run(() -> assertTrue(f.queue.enqueue("joins", "{\"cart\":\"c1\"}", 7)));
        assertEquals(1, tasks("joins"));
        assertEquals("{\"cart\": \"c1\"}", Sql.queryStrings(f.raw, "SELECT arguments::text FROM es_task WHERE type = 'joins'").get(0));
    }

    @Test
    void enqueueingTheSameTypeAndPositionAgainChangesNothing() {
        f.tx.run(() -> {
            assertTrue(f.queue.enqueue("idem", "{}", 1));
            assertFalse(f.queue.enqueue("idem", "{\"other\":true}", 1), "same transaction");
            assertTrue(f.queue.enqueue("idem", "{}", 2));
            assertTrue(f.queue.enqueue("idem-other", "{}", 1), "another type, same position");
        });
        f.tx.run(() -> assertFalse(f.queue.enqueue("idem", "{}", 1), "a later transaction"));
        assertEquals(2, tasks("idem"));
        assertEquals("{}", Sql.queryStrings(f.raw, "SELECT arguments::text FROM es_task WHERE type = 'idem'"
                + " AND triggering_position = 1").get(0), "the first enqueue's arguments stay");

        // even once done (a listener reset replays its events): still nothing new
        TaskWorker w = f.worker("node-a", s -> s);
        ProcessorFixture.Counting h = f.new Counting("idem", "node-a");
        w.register(h);
        for (Task t : w.claim("idem", 10)) {
            assertEquals(TaskWorker.Outcome.COMPLETED, w.run(t));
        }
        f.tx.run(() -> assertFalse(f.queue.enqueue("idem", "{}", 1)));
        assertEquals(0, f.count("idem", TaskStatus.QUEUED));
        assertEquals(2, f.count("idem", TaskStatus.DONE));
    }

    @Test
    void twoTransactionsEnqueueingTheSameTaskAtOnceCreateOne() throws Exception {
        var started = new java.util.concurrent.CountDownLatch(1);
        var release = new java.util.concurrent.CountDownLatch(1);
        var first = f.executor.submit(() -> f.tx.inNewTransaction(() -> {
            boolean created = f.queue.enqueue("race", "{}", 5);
            started.countDown();
            release.await();
            return created;
        }));
        started.await();
        var second = f.executor.submit(() -> f.tx.inNewTransaction(() -> f.queue.enqueue("race", "{}", 5)));
        // the second insert waits for the first transaction's row; let the first commit
        release.countDown();
        assertTrue(first.get());
        assertFalse(second.get());
        assertEquals(1, tasks("race"));
    }

    @Test
    void badInputIsRefusedInTheApisWords() {
        InvalidTaskException notJson = assertThrows(InvalidTaskException.class,
                () -> f.queue.enqueue("bad", "{not json", 1));
        assertTrue(notJson.getMessage().startsWith("task arguments are not JSON"), notJson.getMessage());
        assertThrows(InvalidTaskException.class, () -> f.queue.enqueue("bad", "{} {}", 1));
        assertThrows(InvalidTaskException.class, () -> f.queue.enqueue("bad", null, 1));
        assertThrows(InvalidTaskException.class, () -> f.queue.enqueue("bad", "", 1));
        assertThrows(InvalidTaskException.class, () -> f.queue.enqueue(" ", "{}", 1));
        assertThrows(InvalidTaskException.class, () -> f.queue.enqueue("x".repeat(201), "{}", 1));
        InvalidTaskException negative = assertThrows(InvalidTaskException.class, () -> f.queue.enqueue("bad", "{}", -1));
        assertEquals("a triggering position is a whole number from 0, not -1", negative.getMessage());
        assertEquals(0, tasks("bad"));
    }

    @Test
    void settingsResolvePerTypeThenGlobalThenDefault() {
        var props = java.util.Map.of(
                "pgevents.processor.publish.concurrency", "2",
                "pgevents.processor.concurrency", "8",
                "pgevents.processor.retry.deadline", "1h",
                "pgevents.processor.publish.retry.jitter", "0");
        TaskSettings publish = TaskSettings.resolve("publish", k -> java.util.Optional.ofNullable(props.get(k)));
        TaskSettings other = TaskSettings.resolve("other", k -> java.util.Optional.ofNullable(props.get(k)));
        assertEquals(2, publish.concurrency());
        assertEquals(8, other.concurrency());
        assertEquals(Duration.ofHours(1), publish.deadline().orElseThrow());
        assertEquals(0.0, publish.jitter());
        assertEquals(0.2, other.jitter());
        assertEquals(Duration.ofSeconds(30), other.leaseDuration());
        assertThrows(IllegalArgumentException.class,
                () -> TaskSettings.resolve("x", k -> java.util.Optional.of(k.endsWith("concurrency") ? "0" : "")));
    }
}
