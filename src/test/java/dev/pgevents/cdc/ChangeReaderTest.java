package dev.pgevents.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reader and operator runtime against a real PostgreSQL with wal_level=logical: every operation
 * type, transactions, typed values, TOAST, key changes, replays, failures, and the position a
 * read-your-writes wait sees.
 */
class ChangeReaderTest {

    private static final String SLOT = CdcSettings.DEFAULT_NAME;
    /** The seed's example: a post with its comments count, recomputed from the source tables. */
    private static final OperatorDefinition COUNTS = OperatorDefinition.named("counts")
            .target("summary", "id")
            .key("src_post", "id").key("src_comment", "post_id")
            .deleteWith("src_post")
            .sql("""
                    INSERT INTO summary (id, title, comments)
                    SELECT p.id, p.title, (SELECT count(*) FROM src_comment c WHERE c.post_id = p.id)
                    FROM src_post p WHERE p.id = ?
                    ON CONFLICT (id) DO UPDATE SET title = excluded.title, comments = excluded.comments""");
    private static final String RECOMPUTED = "SELECT p.id, p.title, (SELECT count(*) FROM src_comment c WHERE c.post_id = p.id)"
            + " FROM src_post p ORDER BY p.id";

    private CdcFixture db;
    private final List<ChangeEvent> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void schema() {
        db = new CdcFixture("cdc_reader");
        db.sql("CREATE TABLE src_post (id bigint PRIMARY KEY, title text)",
                "CREATE TABLE src_comment (id bigint PRIMARY KEY, post_id bigint, body text)",
                "CREATE TABLE summary (id bigint PRIMARY KEY, title text, comments integer NOT NULL)",
                "CREATE TABLE typed (id int PRIMARY KEY, small smallint, big bigint, amount numeric, flag boolean,"
                        + " at timestamptz, day date, uid uuid, doc jsonb, note text, big_text text)",
                "CREATE TABLE unwatched (id int)");
    }

    @AfterEach
    void stop() {
        db.close();
    }

    /** Records every change it is given, in order. */
    private OperatorDefinition recorder(String name, String table) {
        return OperatorDefinition.named(name).target(table, "id").key(table, "id")
                .handler((connection, change, key) -> seen.add(change));
    }

    @Test
    void insertsUpdatesAndDeletesKeepTheDerivedTableEqualToItsRecomputation() {
        db.start(CdcFixture.FAST, COUNTS);
        db.transaction("INSERT INTO src_post VALUES (1, 'one'), (2, 'two')",
                "INSERT INTO src_comment VALUES (10, 1, 'a'), (11, 1, 'b'), (12, 2, 'c')");
        db.sql("UPDATE src_post SET title = 'uno' WHERE id = 1");
        db.sql("DELETE FROM src_comment WHERE id = 11");
        db.sql("DELETE FROM src_post WHERE id = 2");
        db.awaitCaughtUp("counts", SLOT);

        assertEquals(List.of("1|uno|1"), db.rows("SELECT * FROM summary ORDER BY id"));
        assertEquals(db.rows(RECOMPUTED), db.rows("SELECT * FROM summary ORDER BY id"));
    }

    @Test
    void aRolledBackTransactionAppliesNothing() {
        db.start(CdcFixture.FAST, COUNTS);
        db.rolledBack("INSERT INTO src_post VALUES (1, 'one')", "INSERT INTO src_comment VALUES (10, 1, 'a')");
        db.sql("INSERT INTO src_post VALUES (2, 'two')");
        db.awaitCaughtUp("counts", SLOT);

        assertEquals(List.of("2|two|0"), db.rows("SELECT * FROM summary ORDER BY id"));
    }

    @Test
    void anUpdateThatMovesTheKeyRecomputesTheOldAndTheNewTargetRow() {
        db.start(CdcFixture.FAST, COUNTS);
        db.sql("INSERT INTO src_post VALUES (1, 'one'), (2, 'two')", "INSERT INTO src_comment VALUES (10, 1, 'a')");
        db.sql("UPDATE src_comment SET post_id = 2 WHERE id = 10");
        db.sql("UPDATE src_post SET id = 3 WHERE id = 1");
        db.awaitCaughtUp("counts", SLOT);

        assertEquals(List.of("2|two|1", "3|one|0"), db.rows("SELECT * FROM summary ORDER BY id"));
        assertEquals(db.rows(RECOMPUTED), db.rows("SELECT * FROM summary ORDER BY id"));
    }

    @Test
    void changeEventsCarryTypedRowsOldValuesChangedColumnsAndTheCommitLsn() {
        db.start(CdcFixture.FAST, recorder("typed-recorder", "typed"));
        UUID uid = UUID.randomUUID();
        db.transaction("INSERT INTO typed (id, small, big, amount, flag, at, day, uid, doc, note) VALUES (1, 7, 9000000000,"
                        + " 12.50, true, '2026-01-02 03:04:05.123456+00', '2026-01-02', '" + uid + "', '{\"a\": [1, 2]}', NULL)",
                "INSERT INTO typed (id) VALUES (2)");
        db.sql("UPDATE typed SET note = 'set', flag = false WHERE id = 1");
        db.sql("DELETE FROM typed WHERE id = 2");
        db.awaitCaughtUp("typed-recorder", SLOT);

        assertEquals(4, seen.size());
        ChangeEvent insert = seen.get(0);
        assertEquals(Operation.INSERT, insert.operation());
        assertEquals("typed", insert.table());
        Map<String, Object> row = insert.newRow();
        assertEquals(1, row.get("id"));
        assertEquals(7, row.get("small"));
        assertEquals(9_000_000_000L, row.get("big"));
        assertEquals(new BigDecimal("12.50"), row.get("amount"));
        assertEquals(true, row.get("flag"));
        assertEquals(OffsetDateTime.parse("2026-01-02T03:04:05.123456Z").toInstant(), ((OffsetDateTime) row.get("at")).toInstant());
        assertEquals(LocalDate.of(2026, 1, 2), row.get("day"));
        assertEquals(uid, row.get("uid"));
        assertEquals(2, ((JsonObject) row.get("doc")).getJsonArray("a").size());
        assertTrue(row.containsKey("note"));
        assertNull(row.get("note"));
        assertEquals(List.of(0, 1), List.of(seen.get(0).ordinal(), seen.get(1).ordinal()));
        assertEquals(seen.get(0).lsn(), seen.get(1).lsn(), "changes of one transaction share its LSN");

        ChangeEvent update = seen.get(2);
        assertEquals(Operation.UPDATE, update.operation());
        assertTrue(update.lsn() > insert.lsn());
        assertEquals(Map.of("note", new ChangeEvent.Change(null, "set"), "flag", new ChangeEvent.Change(true, false)),
                update.changes());
        assertEquals(true, update.oldRow().get("flag"), "REPLICA IDENTITY FULL: the whole old row");

        ChangeEvent delete = seen.get(3);
        assertEquals(Operation.DELETE, delete.operation());
        assertEquals(2, delete.oldRow().get("id"));
        assertTrue(delete.newRow().isEmpty());
    }

    @Test
    void anUnchangedToastValueIsTakenFromTheOldRow() {
        db.start(CdcFixture.FAST, recorder("toast-recorder", "typed"));
        // random text does not compress: stored out of line (TOAST)
        db.sql("INSERT INTO typed (id, big_text) SELECT 1, string_agg(md5(random()::text), '') FROM generate_series(1, 2000)");
        db.sql("UPDATE typed SET note = 'other column' WHERE id = 1");
        db.awaitCaughtUp("toast-recorder", SLOT);

        String stored = db.rows("SELECT big_text FROM typed WHERE id = 1").get(0);
        assertEquals(64_000, stored.length());
        ChangeEvent update = seen.get(1);
        assertEquals(stored, update.newRow().get("big_text"));
        assertEquals(Map.of("note", new ChangeEvent.Change(null, "other column")), update.changes());
    }

    @Test
    void aTransactionReplayedAfterACrashBeforeTheConfirmationIsSkipped() {
        // a second slot, created before the changes, still has them all: like a slot whose reader
        // died after the operators' commits and before it confirmed them
        db.sql("SELECT pg_create_logical_replication_slot('unconfirmed', 'pgoutput')");
        db.sql("CREATE PUBLICATION unconfirmed FOR TABLE src_post, src_comment");
        ChangeReader first = db.start(CdcFixture.FAST, COUNTS);
        db.sql("INSERT INTO src_post VALUES (1, 'one')", "INSERT INTO src_comment VALUES (10, 1, 'a')");
        db.transaction("INSERT INTO src_comment VALUES (11, 1, 'b')", "INSERT INTO src_comment VALUES (12, 1, 'c')");
        db.awaitCaughtUp("counts", SLOT);
        db.stop(first);

        AtomicBoolean applied = new AtomicBoolean();
        OperatorDefinition countsAgain = OperatorDefinition.named("counts").target("summary", "id")
                .key("src_post", "id").key("src_comment", "post_id")
                .handler((c, change, key) -> applied.set(true));
        db.start(CdcFixture.FAST.withSlot("unconfirmed", "unconfirmed"), countsAgain);
        db.awaitCaughtUp("counts", "unconfirmed");

        assertEquals(false, applied.get(), "nothing applied twice");
        assertEquals(List.of("1|one|3"), db.rows("SELECT * FROM summary"));
    }

    @Test
    void aFailingOperatorStopsAfterItsRetriesAndResumesInOrderWhileTheOthersGoOn() {
        AtomicBoolean broken = new AtomicBoolean(true);
        List<Long> appliedLsns = new CopyOnWriteArrayList<>();
        OperatorDefinition fragile = OperatorDefinition.named("fragile").target("summary", "id").key("src_post", "id")
                .handler((c, change, key) -> {
                    if (broken.get()) {
                        throw new IllegalStateException("not today");
                    }
                    appliedLsns.add(change.lsn());
                });
        ChangeReader reader = db.start(CdcFixture.FAST, fragile, COUNTS);
        db.sql("INSERT INTO src_post VALUES (1, 'one')");
        CdcFixture.await(() -> reader.progress().get(0).status().equals("stopped"), "fragile stops");
        db.sql("INSERT INTO src_post VALUES (2, 'two')");
        // while an operator is stopped the slot is confirmed no further: the others' positions
        // advance with the transactions they apply
        CdcFixture.await(() -> db.rows("SELECT id FROM summary").size() == 2, "counts applies the second post");

        assertEquals(List.of("1|one|0", "2|two|0"), db.rows("SELECT * FROM summary ORDER BY id"), "the others go on");
        ChangeReader.OperatorProgress stopped = reader.progress().get(0);
        assertEquals(3, stopped.attempts());
        assertEquals("not today", stopped.lastError());
        assertEquals(List.of("STOPPED|3|not today"), db.rows("SELECT status, attempts, last_error FROM cdc_operator WHERE name = 'fragile'"));
        assertTrue(db.position("fragile", SLOT) < db.currentLsn(), "a stopped operator's position stays");

        broken.set(false);
        db.sql("UPDATE cdc_operator SET status = 'RUNNING', attempts = 0 WHERE name = 'fragile'"); // as the admin API's resume
        reader.restart();
        db.awaitCaughtUp("fragile", SLOT);

        assertEquals(2, appliedLsns.size());
        assertTrue(appliedLsns.get(0) < appliedLsns.get(1), "in commit order");
        assertEquals(List.of("1|one|0", "2|two|0"), db.rows("SELECT * FROM summary ORDER BY id"), "nothing applied twice");
    }

    @Test
    void thePositionAndTheSlotAdvanceOnWritesTheOperatorsDoNotWatch() {
        db.start(CdcFixture.FAST, COUNTS);
        db.sql("INSERT INTO src_post VALUES (1, 'one')");
        db.awaitCaughtUp("counts", SLOT);
        long applied = Long.parseLong(db.rows("SELECT applied_lsn FROM cdc_operator WHERE name = 'counts'").get(0));

        db.sql("INSERT INTO unwatched VALUES (1)");
        db.awaitCaughtUp("counts", SLOT);

        long unwatched = db.currentLsn();
        assertTrue(db.position("counts", SLOT) > applied);
        CdcFixture.await(() -> Long.parseLong(db.rows("SELECT (confirmed_flush_lsn - '0/0')::bigint FROM pg_replication_slots"
                + " WHERE slot_name = '" + SLOT + "'").get(0)) >= unwatched, "the slot confirms the unwatched write");
    }

    @Test
    void aSecondReaderStaysOnStandbyWhileTheFirstReads() {
        ChangeReader first = db.start(CdcFixture.FAST, COUNTS);
        CdcFixture.await(() -> first.state() == ChangeReader.State.RUNNING, "the first reader runs");
        ChangeReader second = db.launch(CdcFixture.FAST, COUNTS);
        CdcFixture.await(() -> second.state() == ChangeReader.State.STANDBY && second.reason().contains("another node"),
                "the second is on standby");

        db.stop(first);
        CdcFixture.await(() -> second.state() == ChangeReader.State.RUNNING, "the second takes over");
        db.sql("INSERT INTO src_post VALUES (1, 'one')");
        db.awaitCaughtUp("counts", SLOT);
        assertEquals(List.of("1|one|0"), db.rows("SELECT * FROM summary"));
    }

    /**
     * An operator waits until the transaction it applies is visible to new snapshots (the WAL sender
     * can send a commit a moment before): a transaction still running holds the wait, its commit ends it.
     */
    @Test
    void theVisibilityWaitHoldsWhileTheSourceTransactionRunsAndEndsAtItsCommit() throws Exception {
        try (Connection source = db.dataSource().getConnection();
             Connection operator = db.dataSource().getConnection()) {
            source.setAutoCommit(false);
            int xid;
            try (ResultSet rs = source.createStatement().executeQuery("SELECT txid_current()::bigint")) {
                rs.next();
                xid = (int) rs.getLong(1);
            }
            operator.setAutoCommit(false);
            ExecutorService thread = Executors.newSingleThreadExecutor();
            try {
                Future<?> wait = thread.submit(() -> {
                    ChangeReader.awaitVisible(operator, xid);
                    return null;
                });
                assertThrows(TimeoutException.class,
                        () -> wait.get(300, TimeUnit.MILLISECONDS), "visible while still running");
                source.commit();
                wait.get(5, TimeUnit.SECONDS);
            } finally {
                thread.shutdownNow();
                operator.rollback();
            }
        }
    }
}
