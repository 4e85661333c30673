package dev.pgevents.eventstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.eventstore.TestEvents.Deposited;
import dev.pgevents.eventstore.TestEvents.Opened;
import dev.pgevents.eventstore.jdbc.JdbcEventStore;
import dev.pgevents.testsupport.AdvisoryLocks;
import dev.pgevents.testsupport.EventStoreFixture;
import dev.pgevents.testsupport.Sql;
import dev.pgevents.testsupport.TestTransactions;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A LOCKED read takes the query's exclusive condition keys before it reads, and returns its query
 * after the last position it saw; the append checks that condition. Together: a matching writer
 * waits for the reading transaction, and anything that slipped past the keys (another transaction,
 * an own append, a savepoint rolled back over the read) fails the check.
 */
class LockedReadConditionTest {

    static DataSource plain;
    static EventStore store;
    static ExecutorService threads;

    @BeforeAll
    static void setUp() {
        plain = EventStoreFixture.migrated("es_locked_condition_test");
        store = new JdbcEventStore(plain, TestEvents.registry(), new JsonbEventSerializer());
        threads = Executors.newFixedThreadPool(2);
    }

    @AfterAll
    static void tearDown() {
        threads.shutdownNow();
    }

    /** The store inside the transaction of this connection (autocommit off). */
    static EventStore in(Connection c) {
        return new JdbcEventStore(TestTransactions.singleConnection(c), TestEvents.registry(), new JsonbEventSerializer());
    }

    static Connection transaction() throws Exception {
        Connection c = plain.getConnection();
        c.setAutoCommit(false);
        return c;
    }

    static String account() {
        String id = UUID.randomUUID().toString().substring(0, 8);
        store.append(List.of(NewEvent.of(new Opened(id)), NewEvent.of(new Deposited(id, 5))));
        return id;
    }

    static EventQuery query(String account) {
        return EventQuery.tagged("account:" + account);
    }

    static AppendCondition lockedRead(EventStore s, EventQuery q, ReadOptions options) {
        try (EventStream<RecordedEvent> events = s.read(q, options)) {
            events.stream().forEach(e -> { });
            return events.result().appendCondition().orElseThrow();
        }
    }

    static List<NewEvent> deposit(String account) {
        return List.of(NewEvent.of(new Deposited(account, 1)));
    }

    static long count(String account) {
        return Sql.queryLong(plain, "SELECT count(*) FROM es_event WHERE tags @> ARRAY[?]::text[]", "account:" + account);
    }

    @Test
    void aLockedReadReturnsItsQueryAfterItsLastEvent() throws Exception {
        String a = account();
        try (Connection c = transaction()) {
            AppendCondition condition = lockedRead(in(c), query(a), ReadOptions.defaults().locked());
            assertEquals(query(a), condition.failIfEventsMatch());
            assertEquals(Sql.queryLong(plain, "SELECT max(position) FROM es_event WHERE tags @> ARRAY[?]::text[]",
                    "account:" + a), condition.after());
            List<AppendedEvent> two = in(c).append(List.of(NewEvent.of(new Deposited(a, 1)), NewEvent.of(new Deposited(a, 2))),
                    condition);
            assertTrue(two.get(0).position() < two.get(1).position(), "positions in request order");
            c.commit();
        }
        assertEquals(4, count(a));
    }

    @Test
    void aLockStepTurnsJitOffForItsTransactionOnly() throws Exception {
        String a = account();
        try (Connection c = plain.getConnection()) {
            Sql.queryStrings(c, "SELECT set_config('jit', 'on', false)"); // the session's own setting, whatever the server's
            c.setAutoCommit(false);
            lockedRead(in(c), query(a), ReadOptions.defaults().locked());
            // the statements after a lock step are planned with generic row estimates: a batch of
            // checks passed jit_above_cost and compiled for 25 ms (docs/event-store.md, Plans)
            assertEquals("off", Sql.queryStrings(c, "SHOW jit").get(0), "after a locked read");
            c.commit();
            assertEquals("on", Sql.queryStrings(c, "SHOW jit").get(0), "transaction-local");
            in(c).append(deposit(a), AppendCondition.failIfAnyAfter(query(a), Long.MAX_VALUE - 1));
            assertEquals("off", Sql.queryStrings(c, "SHOW jit").get(0), "after a conditional append");
            c.rollback();
            c.setAutoCommit(true);
            try (java.sql.Statement reset = c.createStatement()) {
                reset.execute("RESET jit");
            }
        }
    }

    @Test
    void aMatchingWriterWaitsForTheTransactionThatReadLocked() throws Exception {
        String a = account();
        try (Connection c = transaction(); Connection writer = plain.getConnection()) {
            AppendCondition condition = lockedRead(in(c), query(a), ReadOptions.defaults().locked());
            int writerPid = AdvisoryLocks.pid(writer); // before the writer thread owns the connection
            Future<List<AppendedEvent>> matching = threads.submit(() -> in(writer).append(deposit(a)));
            AdvisoryLocks.awaitWaiting(plain, writerPid);
            long ours = in(c).append(deposit(a), condition).get(0).position();
            assertFalse(matching.isDone(), "the writer still waits: nothing matching could slip in");
            c.commit();
            assertTrue(matching.get(10, TimeUnit.SECONDS).get(0).position() > ours);
        }
        assertEquals(4, count(a));
    }

    /** A writer in flight when the read starts: the read waits for it, then sees its event. */
    @Test
    void aReadWaitsForAnOpenMatchingWriterAndSeesItsEvent() throws Exception {
        String a = account();
        try (Connection writer = transaction(); Connection c = transaction()) {
            AppendCondition condition = readPastOpenWriter(writer, c, a);
            in(c).append(deposit(a), condition);
            c.commit();
        }
        assertEquals(4, count(a));
    }

    /**
     * A locked read on {@code c} started while {@code writer} holds its open append of a deposit:
     * the read waits for it (seen in pg_locks), then sees its event once it commits.
     */
    private AppendCondition readPastOpenWriter(Connection writer, Connection c, String account) throws Exception {
        long written = in(writer).append(deposit(account)).get(0).position(); // open: holds its shared key
        int readerPid = AdvisoryLocks.pid(c);
        Future<AppendCondition> read = threads.submit(() -> lockedRead(in(c), query(account), ReadOptions.defaults().locked()));
        AdvisoryLocks.awaitWaiting(plain, readerPid);
        writer.commit();
        AppendCondition condition = read.get(10, TimeUnit.SECONDS);
        assertEquals(written, condition.after(), "the read saw the writer's event");
        return condition;
    }

    /**
     * Outside a caller's transaction the lock statement and the read are one implicit transaction:
     * the read still waits for a writer in flight and sees its event, and holds nothing after it.
     */
    @Test
    void aReadOutsideATransactionWaitsForAnOpenMatchingWriterAndHoldsNothingAfter() throws Exception {
        String a = account();
        try (Connection writer = transaction(); Connection c = plain.getConnection()) {
            AppendCondition condition = readPastOpenWriter(writer, c, a);
            assertTrue(c.getAutoCommit());
            assertEquals(0, Sql.queryLong(plain, "SELECT count(*) FROM pg_locks WHERE pid = ? AND locktype = 'advisory'",
                    AdvisoryLocks.pid(c)), "the read's locks ended with it");
            store.append(deposit(a), condition);
        }
        assertEquals(4, count(a));
    }

    /**
     * The implicit transaction above holds only if the driver sends the lock statement and the
     * read before one Sync: a Sync between them would end the locks before the read's snapshot.
     * pgjdbc logs each Sync it sends; counted here for a tag query and for a broad one (its lock
     * timeout a parameter), on one connection, past the driver's prepare threshold (a statement
     * the server prepared and described is the case in which the driver may flush early).
     */
    @Test
    void aReadOutsideATransactionSendsItsLocksAndItsSelectBeforeOneSync() throws Exception {
        Logger driver = Logger.getLogger("org.postgresql.core.v3.QueryExecutorImpl");
        Level level = driver.getLevel();
        AtomicInteger syncs = new AtomicInteger();
        Handler counter = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (String.valueOf(r.getMessage()).contains("FE=> Sync")) {
                    syncs.incrementAndGet();
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        String a = account();
        try (Connection c = plain.getConnection()) {
            EventStore reader = new JdbcEventStore(TestTransactions.singleConnection(c), TestEvents.registry(),
                    new JsonbEventSerializer(), 2, () -> false, Duration.ofMillis(500));
            driver.setLevel(Level.FINEST);
            driver.addHandler(counter);
            for (EventQuery q : List.of(query(a), EventQuery.all())) {
                for (int i = 0; i < 7; i++) {
                    syncs.set(0);
                    lockedRead(reader, q, ReadOptions.defaults().locked());
                    assertEquals(1, syncs.get(), "read " + (i + 1) + " of " + q);
                }
            }
        } finally {
            driver.removeHandler(counter);
            driver.setLevel(level);
        }
    }

    @Test
    void aLockedReadFromZeroThatFindsNothingReturnsAConditionAfterZero() throws Exception {
        String nobody = UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = transaction()) {
            AppendCondition condition = lockedRead(in(c), query(nobody), ReadOptions.defaults().locked().from(0));
            assertEquals(new AppendCondition(query(nobody), 0), condition);
            in(c).append(deposit(nobody), condition);
            c.commit();
        }
        assertEquals(1, count(nobody));
    }

    /** Lock timeouts, like deadlocks and serialization failures, are transient: a retry can cure them. */
    @Test
    void aLockTimeoutIsATransientAccessError() throws Exception {
        String a = account();
        try (Connection holder = transaction(); Connection writer = transaction()) {
            lockedRead(in(holder), query(a), ReadOptions.defaults().locked());
            Sql.exec(writer, "SET LOCAL lock_timeout = '50ms'");
            EventStoreAccessException e = assertThrows(EventStoreAccessException.class, () -> in(writer).append(deposit(a)));
            assertEquals(EventStoreAccessException.LOCK_NOT_AVAILABLE, e.sqlState());
            assertTrue(e.isTransient());
            writer.rollback();
            holder.rollback();
        }
    }

    @Test
    void inAnotherTransactionTheConditionIsChecked() throws Exception {
        String a = account();
        AppendCondition condition;
        try (Connection c = transaction()) {
            condition = lockedRead(in(c), query(a), ReadOptions.defaults().locked());
            c.commit();
        }
        try (Connection c = transaction()) {
            in(c).append(deposit(a), condition); // nothing new: the check passes
            c.commit();
        }
        assertThrows(AppendConditionFailed.class, () -> store.append(deposit(a), condition));
        assertEquals(3, count(a));
    }

    @Test
    void anOwnAppendSinceTheReadFailsTheCondition() throws Exception {
        String a = account();
        try (Connection c = transaction()) {
            AppendCondition condition = lockedRead(in(c), query(a), ReadOptions.defaults().locked());
            in(c).append(deposit(a)); // the transaction's own matching event
            assertThrows(AppendConditionFailed.class, () -> in(c).append(deposit(a), condition));
            c.rollback();
        }
        assertEquals(2, count(a));
    }

    @Test
    void aSavepointRolledBackOverTheReadLetsAWriterInAndTheCheckCatchesIt() throws Exception {
        String a = account();
        try (Connection c = transaction()) {
            Sql.exec(c, "SAVEPOINT before_read");
            AppendCondition condition = lockedRead(in(c), query(a), ReadOptions.defaults().locked());
            Sql.exec(c, "ROLLBACK TO SAVEPOINT before_read"); // releases the read's locks
            threads.submit(() -> store.append(deposit(a))).get(10, TimeUnit.SECONDS); // so this one is not blocked
            assertThrows(AppendConditionFailed.class, () -> in(c).append(deposit(a), condition));
            c.rollback();
        }
        assertEquals(3, count(a));
    }

    @Test
    void aPartialReadsConditionIsCheckedFromWhereItStopped() throws Exception {
        String a = account();
        try (Connection c = transaction()) {
            // a limit leaves matching events unread: its condition starts at the last one read
            AppendCondition limited = lockedRead(in(c), query(a), ReadOptions.defaults().locked().limit(1));
            assertThrows(AppendConditionFailed.class, () -> in(c).append(deposit(a), limited));
            c.rollback();
        }
        // outside a caller's transaction the read's own transaction (and its locks) ends with it
        AppendCondition standalone = lockedRead(store, query(a), ReadOptions.defaults().locked());
        store.append(deposit(a), standalone);
        assertEquals(3, count(a));
    }

    /** The writer's mark comes after its keys: while it waits for a key, it holds no mark (both lock paths). */
    @Test
    void aWriterWaitingForAKeyHoldsNoMarkYet() throws Exception {
        String few = UUID.randomUUID().toString().substring(0, 8);
        java.util.Set<String> labels = new java.util.TreeSet<>();
        for (int i = 0; i < 20; i++) { // more keys than the store inlines (16)
            labels.add(few + "-" + i);
        }
        // a deposit takes 4 keys (inlined CASE chain), the tagged event more than the inlined limit (es_lock_keys)
        List<List<NewEvent>> appends = List.of(deposit(few),
                List.of(NewEvent.of(new TestEvents.Tagged(UUID.randomUUID(), 1, TestEvents.Color.RED, labels))));
        List<EventQuery> held = List.of(query(few), EventQuery.tagged("set:" + labels.iterator().next()));
        for (int i = 0; i < appends.size(); i++) {
            List<NewEvent> append = appends.get(i);
            try (Connection holder = transaction(); Connection writer = plain.getConnection()) {
                lockedRead(in(holder), held.get(i), ReadOptions.defaults().locked());
                int writerPid = AdvisoryLocks.pid(writer);
                Future<List<AppendedEvent>> waiting = threads.submit(() -> in(writer).append(append));
                AdvisoryLocks.awaitWaiting(plain, writerPid);
                assertEquals(0, Sql.queryLong(plain, "SELECT count(*) FROM pg_locks WHERE pid = ? AND locktype = 'advisory'"
                        + " AND objsubid = 1", writerPid), "no mark while waiting for a key");
                holder.commit();
                waiting.get(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aDecisionsReadAndAppendArePlannedOncePerSession() throws Exception {
        try (Connection c = plain.getConnection()) {
            EventStore session = in(c);
            // the driver prepares on the 5th use, PostgreSQL plans the first 5 executions custom
            for (int i = 0; i < 16; i++) {
                String a = account();
                c.setAutoCommit(false);
                session.append(deposit(a), lockedRead(session, query(a), ReadOptions.defaults().locked()));
                c.commit();
            }
            c.setAutoCommit(true);

            String plans = "SELECT coalesce(sum(%s), 0) FROM pg_prepared_statements WHERE statement LIKE '%s'";
            long genericReads = Sql.queryLong(c, plans.formatted("generic_plans", "%SELECT position, event_id%"));
            long customReads = Sql.queryLong(c, plans.formatted("custom_plans", "%SELECT position, event_id%"));
            long genericAppends = Sql.queryLong(c, plans.formatted("generic_plans", "%INSERT INTO es_event%"));
            assertTrue(genericReads >= 2 && customReads <= 5, "the read settles on its generic plan: " + genericReads
                    + " generic, " + customReads + " custom");
            assertTrue(genericAppends >= 2, "the checked append runs its generic plan: " + genericAppends);
            // the generic plan of the store's own statement: the check is a range of the tag's
            // entries after the position in es_event_tag's primary key, whatever the history
            // (docs/event-store.md, Tag positions); never the tag index's whole list, never a
            // walk of es_event from the position
            // (at the scale of a store: on a table of a few pages a sequential scan is cheapest)
            String append = Sql.queryStrings(c, "SELECT name FROM pg_prepared_statements"
                    + " WHERE statement LIKE '%INSERT INTO es_event%count(*)%'").get(0);
            Sql.exec(c, "INSERT INTO es_event (event_id, type, tags, payload) SELECT gen_random_uuid(), 'Deposited',"
                    + " ARRAY['account:scale-' || n], '{}' FROM generate_series(1, 5000) n" + Sql.PROTOCOL);
            Sql.exec(c, "ANALYZE es_event_tag");
            Sql.exec(c, "SET plan_cache_mode = force_generic_plan");
            String plan = String.join("\n", Sql.queryStrings(c, "EXPLAIN (COSTS OFF) EXECUTE \"" + append + "\""
                    + "(gen_random_uuid(), 'Deposited', 1, '{account:x}', '{}', '{}', 'account:x', 0)"));
            Sql.exec(c, "RESET plan_cache_mode");
            assertTrue(plan.contains("Index Only Scan using es_event_tag_pkey on es_event_tag")
                    && plan.contains("Index Cond: ((tag = $0) AND (\"position\" > $1))")
                    && !plan.contains("es_event_tags_idx") && !plan.contains("es_event_pkey") && !plan.contains("Seq Scan"), plan);
        }
    }
}
