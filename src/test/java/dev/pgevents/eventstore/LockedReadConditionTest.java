package dev.pgevents.eventstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.eventstore.TestEvents.Deposited;
import dev.pgevents.eventstore.TestEvents.Opened;
import dev.pgevents.eventstore.jdbc.JdbcEventStore;
import dev.pgevents.testsupport.EventStoreFixture;
import dev.pgevents.testsupport.PooledDataSource;
import dev.pgevents.testsupport.Sql;
import dev.pgevents.testsupport.TestTransactions;
import java.sql.Connection;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The condition a LOCKED read returns carries the proof that its locks are held; the store then
 * appends without a check, but only in the transaction that holds them and only for that query.
 */
class LockedReadConditionTest {

    static DataSource plain;
    static PooledDataSource pool;
    static TestTransactions tx;
    static EventStore store;

    @BeforeAll
    static void setUp() {
        plain = EventStoreFixture.migrated("es_locked_condition_test");
        pool = new PooledDataSource(plain, 1); // one session: its prepared statements are inspected
        tx = new TestTransactions(pool);
        store = new JdbcEventStore(tx.dataSource(), TestEvents.registry(), new JsonbEventSerializer());
    }

    @AfterAll
    static void tearDown() {
        pool.close();
    }

    static String account() {
        String id = UUID.randomUUID().toString().substring(0, 8);
        store.append(List.of(NewEvent.of(new Opened(id)), NewEvent.of(new Deposited(id, 5))));
        return id;
    }

    static AppendCondition lockedRead(EventQuery q, ReadOptions options) {
        try (EventStream<RecordedEvent> s = store.read(q, options)) {
            s.stream().forEach(e -> { });
            return s.result().appendCondition().orElseThrow();
        }
    }

    static long count(String account) {
        return Sql.queryLong(plain, "SELECT count(*) FROM es_event WHERE tags @> ARRAY[?]::text[]", "account:" + account);
    }

    @Test
    void aLockedReadReturnsItsQueryAfterTheLastEventWithTheProof() {
        String a = account();
        EventQuery q = EventQuery.tagged("account:" + a);
        List<AppendedEvent> appended = tx.inNewTransaction(() -> {
            AppendCondition c = lockedRead(q, ReadOptions.defaults().locked());
            assertEquals(q, c.failIfEventsMatch());
            assertEquals(Sql.queryLong(plain, "SELECT max(position) FROM es_event WHERE tags @> ARRAY[?]::text[]", "account:" + a),
                    c.after());
            assertNotNull(c.heldLocks());
            return store.append(List.of(NewEvent.of(new Deposited(a, 1))), c);
        });
        assertEquals(1, appended.size());
        assertEquals(3, count(a));
    }

    @Test
    void theProofIsRefusedInAnotherTransactionAndNothingIsAppended() {
        String a = account();
        EventQuery q = EventQuery.tagged("account:" + a);
        AppendCondition c = tx.inNewTransaction(() -> lockedRead(q, ReadOptions.defaults().locked()));
        InvalidAppendException e = assertThrows(InvalidAppendException.class,
                () -> tx.run(() -> store.append(List.of(NewEvent.of(new Deposited(a, 1))), c)));
        assertTrue(e.getMessage().contains("another transaction"), e.getMessage());
        // outside any transaction of the caller too (the store's own local transaction)
        assertThrows(InvalidAppendException.class, () -> store.append(List.of(NewEvent.of(new Deposited(a, 1))), c));
        assertEquals(2, count(a));
    }

    @Test
    void theProofIsRefusedForAnotherQuery() {
        String a = account();
        String b = account();
        tx.run(() -> {
            AppendCondition c = lockedRead(EventQuery.tagged("account:" + a), ReadOptions.defaults().locked());
            AppendCondition other = new AppendCondition(EventQuery.tagged("account:" + b), c.after(), c.heldLocks());
            assertThrows(InvalidAppendException.class, () -> store.append(List.of(NewEvent.of(new Deposited(b, 1))), other));
        });
        assertEquals(2, count(b));
    }

    @Test
    void aForgedProofIsRefused() {
        String a = account();
        AppendCondition forged = new AppendCondition(EventQuery.tagged("account:" + a), 0, "not-a-proof");
        assertThrows(InvalidAppendException.class, () -> store.append(List.of(NewEvent.of(new Deposited(a, 1))), forged));
        assertEquals(2, count(a));
    }

    @Test
    void partialAndUnlockedReadsGiveAConditionThatIsChecked() {
        String a = account();
        EventQuery q = EventQuery.tagged("account:" + a);
        tx.run(() -> {
            // a limit or an upper bound leaves matching events unread: "nothing after" is not proved
            AppendCondition limited = lockedRead(q, ReadOptions.defaults().locked().limit(1));
            assertNull(limited.heldLocks());
            AppendCondition bounded = lockedRead(q, ReadOptions.defaults().locked().to(limited.after()));
            assertNull(bounded.heldLocks());
            assertThrows(AppendConditionFailed.class, () -> store.append(List.of(NewEvent.of(new Deposited(a, 1))), limited));
        });
        AppendCondition safe = lockedRead(q, ReadOptions.defaults());
        assertNull(safe.heldLocks());
        assertEquals(2, count(a));
    }

    @Test
    void aDecisionsReadAndAppendArePlannedOncePerSession() throws Exception {
        // the driver prepares on the 5th use, PostgreSQL plans the first 5 executions custom
        for (int i = 0; i < 16; i++) {
            String a = account();
            tx.run(() -> store.append(List.of(NewEvent.of(new Deposited(a, 1))),
                    lockedRead(EventQuery.tagged("account:" + a), ReadOptions.defaults().locked())));
        }
        try (Connection c = pool.getConnection()) {
            long genericReads = Sql.queryLong(c, "SELECT coalesce(sum(generic_plans), 0) FROM pg_prepared_statements"
                    + " WHERE statement LIKE '%SELECT position, event_id%'");
            long customAppends = Sql.queryLong(c, "SELECT coalesce(sum(custom_plans), 0) FROM pg_prepared_statements"
                    + " WHERE statement LIKE 'INSERT INTO es_event%'");
            long genericAppends = Sql.queryLong(c, "SELECT coalesce(sum(generic_plans), 0) FROM pg_prepared_statements"
                    + " WHERE statement LIKE 'INSERT INTO es_event%'");
            assertTrue(genericReads >= 2, "the locked read runs its generic plan: " + genericReads);
            assertTrue(genericAppends >= 2, "the append runs its generic plan: " + genericAppends + " (custom " + customAppends + ")");
        }
    }
}
