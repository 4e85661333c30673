package dev.pgevents.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.testsupport.Sql;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Done tasks are deleted after their type's retention, so es_task does not grow without bound; nothing else is. */
class TaskRetentionTest {

    static ProcessorFixture f;

    @BeforeAll
    static void setUp() {
        f = new ProcessorFixture("processor_retention_test");
    }

    @AfterAll
    static void tearDown() {
        f.close();
    }

    private static void finishedAgo(long id, Duration ago) {
        Sql.exec(f.raw, "UPDATE es_task SET finished_at = clock_timestamp() - ? * interval '1 millisecond' WHERE task_id = ?",
                ago.toMillis(), id);
    }

    private static long tasks(String type) {
        return Sql.queryLong(f.raw, "SELECT count(*) FROM es_task WHERE type = ?", type);
    }

    /** Runs every due task of the type to its outcome. */
    private static void runAll(TaskWorker w, String type) {
        List<Task> claimed;
        while (!(claimed = w.claim(type, 100)).isEmpty()) {
            claimed.forEach(w::run);
        }
    }

    @Test
    void doneTasksOlderThanTheRetentionAreDeletedInBatchesAndNothingElse() {
        TaskWorker w = f.worker("node-a", s -> s.retention(Duration.ofHours(1)).maxAttempts(1));
        ProcessorFixture.Counting done = f.new Counting("retained", "node-a");
        w.register(done);
        // 2,500 old done tasks: more than two batches
        f.tx.run(() -> {
            for (long p = 1; p <= 2500; p++) {
                f.queue.enqueue("retained", "{}", p);
            }
        });
        runAll(w, "retained");
        Sql.exec(f.raw, "UPDATE es_task SET finished_at = clock_timestamp() - interval '2 hours' WHERE type = 'retained'");
        long young = f.enqueue("retained", 10_001);
        runAll(w, "retained");
        finishedAgo(young, Duration.ofMinutes(59));
        long failed = f.enqueue("retained", 10_002);
        done.failing = true;
        runAll(w, "retained");
        finishedAgo(failed, Duration.ofHours(2));
        long queued = f.enqueue("retained", 10_003);
        // a type this node has no handler for is another node's business
        long foreign = f.enqueue("retained-elsewhere", 1);
        Sql.exec(f.raw, "UPDATE es_task SET status = 'DONE', finished_at = clock_timestamp() - interval '2 hours' WHERE task_id = ?",
                foreign);

        assertEquals(2500, w.deleteExpiredDoneTasks());
        assertEquals(List.of(young, failed, queued), Sql.queryStrings(f.raw,
                "SELECT task_id FROM es_task WHERE type = 'retained' ORDER BY task_id").stream().map(Long::valueOf).toList());
        assertEquals(TaskStatus.DONE, f.status(young), "done within the retention: kept");
        assertEquals(TaskStatus.FAILED, f.status(failed), "failed tasks stay for the operators");
        assertEquals(TaskStatus.QUEUED, f.status(queued));
        assertEquals(1, tasks("retained-elsewhere"));
        assertEquals(0, w.deleteExpiredDoneTasks(), "nothing more to delete");

        // the documented price: a replay of a deleted task's event enqueues it again
        assertTrue(f.tx.inNewTransaction(() -> f.queue.enqueue("retained", "{}", 1)));
        assertFalse(f.tx.inNewTransaction(() -> f.queue.enqueue("retained", "{}", 10_001)), "a retained done task still dedupes");
    }

    @Test
    void withoutRetentionDoneTasksStay() {
        TaskWorker w = f.worker("node-a", s -> s);
        ProcessorFixture.Counting h = f.new Counting("kept", "node-a");
        w.register(h);
        long id = f.enqueue("kept", 1);
        runAll(w, "kept");
        finishedAgo(id, Duration.ofDays(365));
        assertEquals(0, w.deleteExpiredDoneTasks());
        assertEquals(TaskStatus.DONE, f.status(id));
    }

    @Test
    void theRetentionSettingDefaultsToSevenDaysAndNoneKeepsDoneTasks() {
        assertEquals(Optional.empty(), TaskSettings.resolve("t", key -> Optional.empty()).retention());
        Map<String, String> config = Map.of("pgevents.processor.retention", "36h", "pgevents.processor.forever.retention", "none");
        assertEquals(Optional.of(Duration.ofHours(36)),
                TaskSettings.resolve("t", key -> Optional.ofNullable(config.get(key))).retention());
        assertEquals(Optional.empty(), TaskSettings.resolve("forever", key -> Optional.ofNullable(config.get(key))).retention());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TaskSettings.resolve("t", key -> key.endsWith("retention") ? Optional.of("0s") : Optional.empty()));
        assertEquals("retention must be positive (or none)", e.getMessage());
    }
}
