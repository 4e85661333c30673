package dev.pgevents.eventstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pgevents.eventstore.TestEvents.Deposited;
import dev.pgevents.eventstore.TestEvents.Opened;
import dev.pgevents.eventstore.jdbc.JdbcEventStore;
import dev.pgevents.testsupport.AdvisoryLocks;
import dev.pgevents.testsupport.AnswerLosingDataSource;
import dev.pgevents.testsupport.Appends;
import dev.pgevents.testsupport.EventStoreFixture;
import dev.pgevents.testsupport.PooledDataSource;
import dev.pgevents.testsupport.Sql;
import dev.pgevents.testsupport.TestTransactions;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The conditional append: semantics, and proof that the lock is really held across the check. */
class ConditionalAppendTest {

    static DataSource plain;
    static PooledDataSource pool;
    static EventStore store;
    static ExecutorService threads;

    @BeforeAll
    static void setUp() {
        plain = EventStoreFixture.migrated("es_conditional_test");
        pool = new PooledDataSource(plain, 8);
        store = store(pool);
        threads = Executors.newFixedThreadPool(4);
    }

    @AfterAll
    static void tearDown() {
        threads.shutdownNow();
        pool.close();
    }

    static EventStore store(DataSource ds) {
        return new JdbcEventStore(ds, TestEvents.registry(), new JsonbEventSerializer());
    }

    static String fresh() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    static long consistency(EventQuery q) {
        return store.read(q, ReadOptions.defaults(), e -> { }).consistencyPosition().getAsLong();
    }

    static long count(String tag) {
        return Sql.queryLong(plain, "SELECT count(*) FROM es_event WHERE tags @> ARRAY[?]::text[]", tag);
    }

    static List<NewEvent> one(Event e) {
        return List.of(NewEvent.of(e));
    }

    @Test
    void anAppendWhoseAnswerIsLostAfterItRanIsAnUnknownOutcome() {
        // outside any transaction an append is one round trip in autocommit: it commits at the Sync
        EventStore losing = store(AnswerLosingDataSource.losingOnce(pool, sql -> sql.contains("INSERT INTO es_event")));
        EventQuery own = EventQuery.tagged("account:answer-lost");
        EventStoreAccessException e = assertThrows(EventStoreAccessException.class,
                () -> losing.append(List.of(NewEvent.of(new Opened("answer-lost"))), AppendCondition.failIfAnyAfter(own, 0)));
        assertTrue(e.getMessage().contains("unknown"), e.getMessage());
        assertFalse(e.isTransient(), "a decision must not retry it");
        assertEquals(1, Sql.queryLong(plain, "SELECT count(*) FROM es_event WHERE tags @> ARRAY['account:answer-lost']"),
                "it ran and committed");
    }

    @Test
    void anAppendWithSeveralConditionsChecksEachAfterItsOwnPosition() {
        String a = fresh();
        String b = fresh();
        EventQuery qa = EventQuery.tagged("account:" + a);
        EventQuery qb = EventQuery.tagged("account:" + b);
        store.append(one(new Opened(a)), AppendCondition.failIfAny(qa));
        long aSeen = consistency(qa);
        store.append(one(new Opened(b)), AppendCondition.failIfAny(qb));
        long bSeen = consistency(qb);
        // a's event after b's position does not fail b's condition, nor b's event after a's position a's
        store.appendWithConditions(one(new Deposited(a, 1)), List.of(AppendCondition.failIfAnyAfter(qa, aSeen),
                AppendCondition.failIfAnyAfter(qb, bSeen)));
        AppendConditionFailed stale = assertThrows(AppendConditionFailed.class, () -> store.appendWithConditions(one(new Deposited(b, 2)),
                List.of(AppendCondition.failIfAnyAfter(qa, aSeen), AppendCondition.failIfAnyAfter(qb, bSeen))));
        assertEquals(2, stale.conditions().size());
        assertTrue(stale.getMessage().contains("after position " + aSeen + ", or an event matching"), stale.getMessage());
        assertEquals(2, count("account:" + a));
        assertEquals(1, count("account:" + b), "a failed append appends none of its events");
        // either condition alone fails it; a type condition (planned with its values) among them too
        long aNow = consistency(qa);
        EventQuery opened = EventQuery.ofTypes("Opened");
        long openedNow = consistency(opened);
        assertThrows(AppendConditionFailed.class, () -> store.appendWithConditions(one(new Deposited(b, 3)),
                List.of(AppendCondition.failIfAnyAfter(qa, aNow), AppendCondition.failIfAnyAfter(qb, 0))));
        store.appendWithConditions(one(new Deposited(b, 3)), List.of(AppendCondition.failIfAnyAfter(qa, aNow),
                AppendCondition.failIfAnyAfter(opened, openedNow), AppendCondition.failIfAnyAfter(qb, bSeen)));
        Appends.unconditional(store, new Opened(fresh()));
        assertThrows(AppendConditionFailed.class, () -> store.appendWithConditions(one(new Deposited(b, 4)),
                List.of(AppendCondition.failIfAnyAfter(qb, consistency(qb)), AppendCondition.failIfAnyAfter(opened, openedNow))));
        assertEquals(2, count("account:" + b));
        assertThrows(InvalidInputException.class, () -> store.appendWithConditions(one(new Deposited(b, 5)), List.of()));
        assertThrows(InvalidInputException.class, () -> store.appendWithConditions(one(new Deposited(b, 5)), null));
        List<AppendCondition> withNull = new ArrayList<>();
        withNull.add(AppendCondition.failIfAny(qa));
        withNull.add(null);
        assertThrows(InvalidInputException.class, () -> store.appendWithConditions(one(new Deposited(b, 5)), withNull));
        assertEquals(2, count("account:" + b));
    }

    @Test
    void anAppendWithSeveralConditionsWaitsForAWriterMatchingItsSecondThenFails() throws Exception {
        String a = fresh();
        String b = fresh();
        EventQuery qa = EventQuery.tagged("account:" + a);
        EventQuery qb = EventQuery.tagged("account:" + b);
        long seen = consistency(qb);
        try (Connection writer = plain.getConnection(); Connection appender = plain.getConnection()) {
            writer.setAutoCommit(false);
            Appends.unconditional(store(TestTransactions.singleConnection(writer)), new Opened(b));
            int pid = AdvisoryLocks.pid(appender);
            EventStore onAppender = store(TestTransactions.singleConnection(appender));
            Future<?> append = threads.submit(() -> onAppender.appendWithConditions(one(new Opened(a)),
                    List.of(AppendCondition.failIfAny(qa), AppendCondition.failIfAnyAfter(qb, seen))));
            AdvisoryLocks.awaitWaiting(plain, pid);
            assertFalse(append.isDone(), "the second condition's key waits for the open writer");
            writer.commit();
            ExecutionException e = assertThrows(ExecutionException.class, () -> append.get(10, TimeUnit.SECONDS));
            assertInstanceOf(AppendConditionFailed.class, e.getCause());
        }
        assertEquals(0, count("account:" + a));
    }

    @Test
    void semantics() {
        String a = fresh();
        EventQuery q = EventQuery.tagged("account:" + a);
        store.append(one(new Opened(a)), AppendCondition.failIfAny(q));
        assertThrows(AppendConditionFailed.class, () -> store.append(one(new Opened(a)), AppendCondition.failIfAny(q)));
        long seen = consistency(q);
        store.append(one(new Deposited(a, 1)), AppendCondition.failIfAnyAfter(q, seen));
        AppendConditionFailed stale = assertThrows(AppendConditionFailed.class,
                () -> store.append(List.of(NewEvent.of(new Deposited(a, 2)), NewEvent.of(new Deposited(a, 3))),
                        AppendCondition.failIfAnyAfter(q, seen)));
        assertEquals(seen, stale.condition().after());
        assertEquals(2, count("account:" + a), "a failed append appends none of its events");
        // events that do not match the condition do not make it fail
        long now = consistency(q);
        Appends.unconditional(store, new Opened(fresh()));
        store.append(one(new Deposited(a, 4)), AppendCondition.failIfAnyAfter(q, now));
        // type-only and type+tag conditions
        long before = consistency(EventQuery.ofTypes("Opened"));
        Appends.unconditional(store, new Opened(fresh()));
        assertThrows(AppendConditionFailed.class, () -> store.append(one(new Deposited(a, 5)),
                AppendCondition.failIfAnyAfter(EventQuery.ofTypes("Opened"), before)));
        store.append(one(new Deposited(a, 5)), AppendCondition.failIfAnyAfter(
                EventQuery.of(QueryItem.types("Opened").tagged("account:" + a)), before));
        assertEquals(4, count("account:" + a));
    }

    @Test
    void aConflictingWriterHeldOpenBlocksTheCheckUntilItCommitsThenTheAppendFails() throws Exception {
        String a = fresh();
        EventQuery q = EventQuery.tagged("account:" + a);
        try (Connection t1 = plain.getConnection(); Connection t2 = plain.getConnection()) {
            t1.setAutoCommit(false);
            long p1 = Appends.unconditional(store(TestTransactions.singleConnection(t1)), new Opened(a)).get(0).position();
            // T2 decides on what it can see: nothing matching, consistent up to the cap (below p1)
            long seen = consistency(q);
            assertTrue(seen < p1, "the cap stays below the open writer");
            int t2pid = AdvisoryLocks.pid(t2);
            EventStore inT2 = store(TestTransactions.singleConnection(t2));
            Future<?> t2append = threads.submit(() -> inT2.append(one(new Deposited(a, 1)), AppendCondition.failIfAnyAfter(q, seen)));
            AdvisoryLocks.awaitWaiting(plain, t2pid);
            assertFalse(t2append.isDone(), "T2 waits for T1's shared key lock");
            t1.commit();
            ExecutionException e = assertThrows(ExecutionException.class, () -> t2append.get(10, TimeUnit.SECONDS));
            assertInstanceOf(AppendConditionFailed.class, e.getCause());
        }
        assertEquals(1, count("account:" + a), "only T1's event");
    }

    @Test
    void aConditionHeldOpenBlocksMatchingWritersButNotDisjointOnes() throws Exception {
        String a = fresh();
        String b = fresh();
        try (Connection t1 = plain.getConnection(); Connection t3 = plain.getConnection()) {
            t1.setAutoCommit(false);
            store(TestTransactions.singleConnection(t1)).append(one(new Opened(a)),
                    AppendCondition.failIfAny(EventQuery.tagged("account:" + a)));
            // disjoint condition and disjoint writes complete while T1 is open
            threads.submit(() -> store.append(one(new Opened(b)), AppendCondition.failIfAny(EventQuery.tagged("account:" + b))))
                    .get(10, TimeUnit.SECONDS);
            threads.submit(() -> Appends.unconditional(store, new Deposited(b, 1))).get(10, TimeUnit.SECONDS);
            // a writer of a matching event waits for T1 (its condition must not be overtaken)
            int t3pid = AdvisoryLocks.pid(t3);
            Future<?> matching = threads.submit(() -> Appends.unconditional(store(TestTransactions.singleConnection(t3)), new Deposited(a, 1)));
            AdvisoryLocks.awaitWaiting(plain, t3pid);
            t1.commit();
            matching.get(10, TimeUnit.SECONDS);
        }
        assertEquals(2, count("account:" + a));
        assertEquals(2, count("account:" + b));
    }

    /** Runs two deciders that read, meet at a barrier, then append; returns how many succeeded. */
    static int race(Callable<Long> readA, Callable<Long> readB, java.util.function.LongFunction<Object> appendA,
                    java.util.function.LongFunction<Object> appendB) throws Exception {
        CyclicBarrier barrier = new CyclicBarrier(2);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int side = 0; side < 2; side++) {
            Callable<Long> read = side == 0 ? readA : readB;
            java.util.function.LongFunction<Object> append = side == 0 ? appendA : appendB;
            results.add(threads.submit(() -> {
                long seen = read.call();
                barrier.await(10, TimeUnit.SECONDS);
                try {
                    append.apply(seen);
                    return true;
                } catch (AppendConditionFailed conflict) {
                    return false;
                }
            }));
        }
        int winners = 0;
        for (Future<Boolean> f : results) {
            if (f.get(20, TimeUnit.SECONDS)) {
                winners++;
            }
        }
        return winners;
    }

    @Test
    void typeOnlyAndTagOnlyConditionsOnTheSameEventsCannotBothWin() throws Exception {
        for (int round = 0; round < 20; round++) {
            String k = fresh();
            EventQuery byType = EventQuery.ofTypes("Deposited");
            EventQuery byTag = EventQuery.tagged("account:" + k);
            int winners = race(() -> consistency(byType), () -> consistency(byTag),
                    seen -> store.append(one(new Deposited(k, 1)), AppendCondition.failIfAnyAfter(byType, seen)),
                    seen -> store.append(one(new Deposited(k, 2)), AppendCondition.failIfAnyAfter(byTag, seen)));
            assertEquals(1, winners, "round " + round);
            assertEquals(1, count("account:" + k));
        }
    }

    @Test
    void theAllQueryConflictsWithAnyMatchingWriter() throws Exception {
        for (int round = 0; round < 20; round++) {
            String k = fresh();
            EventQuery byTag = EventQuery.tagged("account:" + k);
            int winners = race(() -> consistency(EventQuery.all()), () -> consistency(byTag),
                    seen -> store.append(one(new Deposited(k, 1)), AppendCondition.failIfAnyAfter(EventQuery.all(), seen)),
                    seen -> store.append(one(new Deposited(k, 2)), AppendCondition.failIfAnyAfter(byTag, seen)));
            assertEquals(1, winners, "round " + round);
            assertEquals(1, count("account:" + k));
        }
    }
}
