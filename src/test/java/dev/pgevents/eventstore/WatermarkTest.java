package dev.pgevents.eventstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pgevents.eventstore.TestEvents.Opened;
import dev.pgevents.eventstore.jdbc.AppendProtocol;
import dev.pgevents.eventstore.jdbc.JdbcEventStore;
import dev.pgevents.eventstore.jdbc.PositionSequence;
import dev.pgevents.testsupport.Appends;
import dev.pgevents.testsupport.EventStoreFixture;
import dev.pgevents.testsupport.Sql;
import dev.pgevents.testsupport.TestTransactions;
import java.sql.Connection;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The safe position never passes an in-flight writer: a writer that drew a lower position and
 * commits later is never stepped over by a capped read.
 */
class WatermarkTest {

    static JdbcEventStore store(DataSource ds) {
        return new JdbcEventStore(ds, TestEvents.registry(), new JsonbEventSerializer());
    }

    @Test
    void safePositionStaysBelowAnOpenWriterUntilItCommits() throws Exception {
        DataSource ds = EventStoreFixture.migrated("es_watermark_test");
        EventStore store = store(ds);
        Appends.unconditional(store, new Opened("warmup")); // position 1: the sequence is called
        assertEquals(1, store.safePosition());
        try (Connection t1 = ds.getConnection()) {
            t1.setAutoCommit(false);
            EventStore inT1 = store(TestTransactions.singleConnection(t1));
            long p1 = Appends.unconditional(inT1, new Opened("slow")).get(0).position();
            long p2 = Appends.unconditional(store, new Opened("fast")).get(0).position(); // T2, committed
            assertTrue(p2 > p1);
            assertEquals(p2, Sql.queryLong(ds, "SELECT max(position) FROM es_event"), "T2 is visible");
            long safe = store.safePosition();
            assertTrue(safe < p1, "safe " + safe + " must stay below the open writer's " + p1);
            assertEquals(p1 - 1, safe);
            // a capped read does not return T2's event yet: it would step over T1's
            try (EventStream<RecordedEvent> s = store.read(EventQuery.all(), ReadOptions.defaults())) {
                assertEquals(List.of(1L), s.stream().map(RecordedEvent::position).toList());
                assertEquals(safe, s.result().consistencyPosition().getAsLong());
            }
            // the open writer's own session is not held back by its own mark
            assertEquals(p2, inT1.safePosition());
            // uncapped, T2's event is visible with a gap below it
            assertEquals(List.of(1L, p2), store.read(EventQuery.all(), ReadOptions.defaults().uncapped()).toList()
                    .stream().map(RecordedEvent::position).toList());
            t1.commit();
            assertEquals(p2, store.safePosition());
            assertEquals(List.of(1L, p1, p2), store.read(EventQuery.all(), ReadOptions.defaults()).toList()
                    .stream().map(RecordedEvent::position).toList());
        }
    }

    @Test
    void aWriterMarkThatShowsUpLateDoesNotMoveTheSafePositionBack() throws Exception {
        DataSource ds = EventStoreFixture.migrated("es_watermark_late_test");
        EventStore store = store(ds);
        Appends.unconditional(store, new Opened("a"));
        Appends.unconditional(store, new Opened("b"));
        Appends.unconditional(store, new Opened("c"));
        assertEquals(3, store.safePosition());
        EventQuery opened = EventQuery.ofTypes("Opened");
        assertEquals(3, store.safePosition(opened));
        try (Connection late = ds.getConnection(); java.sql.Statement s = late.createStatement()) {
            late.setAutoCommit(false);
            // A writer that read the sequence at 1 and whose mark becomes visible only now: its
            // positions will be above 3 (it draws them after the mark), so 3 is still safe.
            // It writes an Opened event: it holds the shared keys of its type, its tag and "all", then its mark.
            for (String name : List.of("type:Opened", "tag:account:z", "all")) {
                long key = AppendProtocol.key(name);
                s.execute("SELECT pg_advisory_xact_lock_shared(" + (int) (key >>> 32) + ", " + (int) key + ")");
            }
            long all = AppendProtocol.key("all");
            s.execute("SELECT pg_advisory_xact_lock_shared(1)");
            assertEquals(1, Sql.queryLong(ds, "SELECT es_safe_position()"), "a fresh computation moves back");
            assertEquals(1, Sql.queryLong(ds, "SELECT es_safe_position(ARRAY[" + (int) (all >>> 32) + "], ARRAY["
                    + (int) all + "])"), "for the query too");
            long type = AppendProtocol.key("type:Opened");
            assertEquals(1, Sql.queryLong(ds, "SELECT es_safe_position(ARRAY[" + (int) (type >>> 32) + "], ARRAY["
                    + (int) type + "])"), "and for the type query");
            assertEquals(3, store.safePosition(), "the store's safe position does not");
            assertEquals(3, store.safePosition(EventQuery.all()), "the global one is safe for every query");
            assertEquals(3, store.safePosition(opened), "nor does a query's");
            try (EventStream<RecordedEvent> read = store.read(EventQuery.all(), ReadOptions.defaults())) {
                assertEquals(List.of(1L, 2L, 3L), read.stream().map(RecordedEvent::position).toList(),
                        "a capped read returns no less than before");
            }
            late.rollback();
        }
    }

    @Test
    void theQuerySafePositionOnlyWaitsForWritersOfMatchingEvents() throws Exception {
        DataSource ds = EventStoreFixture.migrated("es_watermark_query_test");
        EventStore store = store(ds);
        Appends.unconditional(store, new Opened("a"), new Opened("b"));
        try (Connection t1 = ds.getConnection()) {
            t1.setAutoCommit(false);
            long p1 = Appends.unconditional(store(TestTransactions.singleConnection(t1)), new Opened("a")).get(0).position();
            long p2 = Appends.unconditional(store, new Opened("b")).get(0).position();
            assertEquals(p1 - 1, store.safePosition(EventQuery.tagged("account:a")), "held back by T1");
            assertEquals(p1 - 1, store.safePosition(EventQuery.ofTypes("Opened")), "held back by T1");
            assertEquals(p1 - 1, store.safePosition(EventQuery.all()), "held back by T1");
            assertEquals(p2, store.safePosition(EventQuery.tagged("account:b")), "T1 writes nothing matching");
            assertEquals(List.of(2L, p2), store.read(EventQuery.tagged("account:b"), ReadOptions.defaults()).toList()
                    .stream().map(RecordedEvent::position).toList());
            t1.commit();
            assertEquals(p2, store.safePosition(EventQuery.tagged("account:a")));
        }
    }

    @Test
    void rolledBackWriterReleasesTheWatermark() throws Exception {
        DataSource ds = EventStoreFixture.migrated("es_watermark_rollback_test");
        EventStore store = store(ds);
        try (Connection t1 = ds.getConnection()) {
            t1.setAutoCommit(false);
            long p1 = Appends.unconditional(store(TestTransactions.singleConnection(t1)), new Opened("x")).get(0).position();
            long p2 = Appends.unconditional(store, new Opened("y")).get(0).position();
            assertTrue(store.safePosition() < p1);
            t1.rollback();
            assertEquals(p2, store.safePosition());
        }
    }

    @Test
    void freshSequence() throws Exception {
        DataSource ds = EventStoreFixture.migrated("es_watermark_fresh_test");
        EventStore store = store(ds);
        assertEquals(0, store.safePosition(), "nothing appended yet (is_called = false)");
        try (Connection t1 = ds.getConnection()) {
            t1.setAutoCommit(false);
            long p1 = Appends.unconditional(store(TestTransactions.singleConnection(t1)), new Opened("first")).get(0).position();
            assertEquals(1, p1);
            long p2 = Appends.unconditional(store, new Opened("second")).get(0).position();
            assertEquals(2, p2);
            assertEquals(0, store.safePosition(), "the first writer's mark was taken at 0, before any position existed");
            assertEquals(0, store.read(EventQuery.all(), ReadOptions.defaults()).toList().size());
            t1.commit();
        }
        assertEquals(2, store.safePosition());
    }

    @Test
    void aCachedPositionSequenceFailsTheSafePositionClearly() {
        DataSource ds = EventStoreFixture.migrated("es_watermark_cache_test");
        EventStore s = new JdbcEventStore(ds, TestEvents.registry(), new JsonbEventSerializer());
        s.append(List.of(NewEvent.of(new TestEvents.Opened("c"))));
        assertEquals(1, s.safePosition());
        Sql.exec(ds, "ALTER SEQUENCE es_position_seq CACHE 10");
        EventStoreAccessException e = assertThrows(EventStoreAccessException.class, s::safePosition);
        assertTrue(e.getMessage().contains("es_position_seq has CACHE 10, the safe position needs CACHE 1"), e.getMessage());
        assertEquals("PE002", e.sqlState());
        assertThrows(EventStoreAccessException.class, () -> s.safePosition(EventQuery.tagged("account:c")));
        Sql.exec(ds, "ALTER SEQUENCE es_position_seq CACHE 1");
        assertEquals(1, s.safePosition());
    }

    /** The check the application runs at start-up (PositionSequenceCheck): it refuses a cached sequence. */
    @Test
    void theStartUpCheckRefusesACachedPositionSequenceNamingTheFix() {
        DataSource ds = EventStoreFixture.migrated("es_watermark_startup_test");
        PositionSequence.check(ds);
        Sql.exec(ds, "ALTER SEQUENCE es_position_seq CACHE 20");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> PositionSequence.check(ds));
        assertEquals("the event store cannot start: es_position_seq has CACHE 20, the safe position needs CACHE 1 (it"
                + " reads the sequence's last value as the highest position handed out); fix: ALTER SEQUENCE"
                + " es_position_seq CACHE 1", e.getMessage());
        Sql.exec(ds, "ALTER SEQUENCE es_position_seq CACHE 1");
        PositionSequence.check(ds);
        Sql.exec(ds, "DROP TABLE es_event CASCADE"); // drops its sequence (OWNED BY)
        e = assertThrows(IllegalStateException.class, () -> PositionSequence.check(ds));
        assertTrue(e.getMessage().contains("the sequence es_position_seq does not exist"), e.getMessage());
    }
}
