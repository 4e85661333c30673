package dev.pgevents.eventstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pgevents.eventstore.TestEvents.Opened;
import dev.pgevents.eventstore.TestEvents.Race;
import dev.pgevents.eventstore.jdbc.AppendProtocol;
import dev.pgevents.eventstore.jdbc.GroupCommitStatistics;
import dev.pgevents.eventstore.jdbc.JdbcEventStore;
import dev.pgevents.testsupport.AnswerLosingDataSource;
import dev.pgevents.testsupport.PooledDataSource;
import dev.pgevents.testsupport.EventStoreFixture;
import dev.pgevents.testsupport.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Group commit: appends made at the same time share one transaction. The batch tests make a batch
 * deterministically: another session holds the "all" key every writer takes, so the first append
 * (the leader) waits in its lock step (the store's batch lock timeout is long) while the others
 * queue behind it; releasing the key lets the next leader take the whole queue as one batch.
 */
class GroupCommitTest {

    static final int THREADS = 16;
    static DataSource plain;
    static PooledDataSource pool;
    static JdbcEventStore store;
    static ExecutorService threads;

    @BeforeAll
    static void setUp() {
        plain = EventStoreFixture.migrated("es_group_commit_test");
        pool = new PooledDataSource(plain, THREADS + 4);
        // a long lock timeout: the batches below are made by holding a key while appends queue
        store = new JdbcEventStore(pool, TestEvents.registry(), new JsonbEventSerializer()).withGroupCommit(100, Duration.ofSeconds(30));
        threads = Executors.newFixedThreadPool(THREADS + 2);
    }

    @AfterAll
    static void tearDown() {
        threads.shutdownNow();
        pool.close();
    }

    /** One racer's conditional append; AppendConditionFailed makes it a loser. */
    interface Racer {
        void append(int thread);
    }

    /** Queues 15 racers behind a leader held in its lock step, so they run as one batch; returns the winners. */
    private int winnersOfOneBatch(String leaderId, Racer racer) throws Exception {
        List<Future<Boolean>> racers = new ArrayList<>();
        try (Connection blocker = holdAllKey()) {
            Future<?> leader = threads.submit(() -> appendAlone(new Opened(leaderId)));
            awaitWaiters(1);
            for (int t = 0; t < 15; t++) {
                int thread = t;
                racers.add(threads.submit(() -> {
                    try {
                        racer.append(thread);
                        return true;
                    } catch (AppendConditionFailed conflict) {
                        return false;
                    }
                }));
            }
            awaitQueued(15);
            blocker.rollback();
            leader.get(30, TimeUnit.SECONDS);
        }
        int winners = 0;
        for (Future<Boolean> f : racers) {
            winners += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
        }
        return winners;
    }

    @Test
    void conflictingAppendsInOneBatchHaveExactlyOneWinner() throws Exception {
        EventQuery race = EventQuery.tagged("race:batched");
        long seen = store.read(race, ReadOptions.defaults(), e -> { }).consistencyPosition().getAsLong();
        GroupCommitStatistics before = store.groupCommitStatistics().orElseThrow();
        int winners = winnersOfOneBatch("leader-1", thread ->
                store.append(List.of(NewEvent.of(new Race("batched", thread))), AppendCondition.failIfAnyAfter(race, seen)));
        assertEquals(1, winners, "the batch's later appends see its first one's event");
        assertEquals(1, Sql.queryLong(plain, "SELECT count(*) FROM es_event WHERE tags @> ARRAY['race:batched']"));
        GroupCommitStatistics batch = store.groupCommitStatistics().orElseThrow().since(before);
        assertEquals(2, batch.batches(), "the leader alone, then the 15 queued behind it together");
        assertEquals(1, batch.batchesOfSize()[15]);
    }

    @Test
    void appendsWithSeveralConditionsInOneBatchConflictThroughTheirSecondCondition() throws Exception {
        EventQuery race = EventQuery.tagged("race:several");
        long seen = store.read(race, ReadOptions.defaults(), e -> { }).consistencyPosition().getAsLong();
        GroupCommitStatistics before = store.groupCommitStatistics().orElseThrow();
        // the first condition never fails: only the second can tell the racers apart
        int winners = winnersOfOneBatch("leader-several", thread ->
                store.appendWithConditions(List.of(NewEvent.of(new Race("several", thread))), List.of(
                        AppendCondition.failIfAny(EventQuery.tagged("account:nobody-" + thread)),
                        AppendCondition.failIfAnyAfter(race, seen))));
        assertEquals(1, winners, "the batch's later appends see its first one's event through their second condition");
        assertEquals(1, Sql.queryLong(plain, "SELECT count(*) FROM es_event WHERE tags @> ARRAY['race:several']"));
        assertEquals(1, store.groupCommitStatistics().orElseThrow().since(before).batchesOfSize()[15], "one batch of 15");
    }

    @Test
    void anAppendThatFailsItsCheckDoesNotFailTheLaterOnesOfItsBatch() throws Exception {
        EventQuery race = EventQuery.tagged("race:chain");
        long stale = store.read(race, ReadOptions.defaults(), e -> { }).consistencyPosition().getAsLong();
        store.append(List.of(NewEvent.of(new Race("chain", 0))));
        long seen = store.read(race, ReadOptions.defaults(), e -> { }).consistencyPosition().getAsLong();
        GroupCommitStatistics before = store.groupCommitStatistics().orElseThrow();
        List<Future<Boolean>> racers = new ArrayList<>();
        try (Connection blocker = holdAllKey()) {
            Future<?> leader = threads.submit(() -> appendAlone(new Opened("leader-chain")));
            awaitWaiters(1);
            // in queue order: a stale one (fails its check), then two that read everything (the first wins)
            long[] after = {stale, seen, seen};
            for (int t = 0; t < after.length; t++) {
                int thread = t;
                racers.add(threads.submit(() -> {
                    try {
                        store.append(List.of(NewEvent.of(new Race("chain", thread + 1))), AppendCondition.failIfAnyAfter(race, after[thread]));
                        return true;
                    } catch (AppendConditionFailed conflict) {
                        return false;
                    }
                }));
                awaitQueued(t + 1);
            }
            blocker.rollback();
            leader.get(30, TimeUnit.SECONDS);
        }
        List<Boolean> outcomes = new ArrayList<>();
        for (Future<Boolean> f : racers) {
            outcomes.add(f.get(30, TimeUnit.SECONDS));
        }
        assertEquals(List.of(false, true, false), outcomes,
                "the stale append's events are not stored, so they fail no one; the second one's events fail the third");
        assertEquals(2, Sql.queryLong(plain, "SELECT count(*) FROM es_event WHERE tags @> ARRAY['race:chain']"));
        assertEquals(1, store.groupCommitStatistics().orElseThrow().since(before).batchesOfSize()[3], "the three in one batch");
    }

    @Test
    void eachAppendOfABatchGetsItsOwnRowsPositionsAndTimeWhereOthersFail() throws Exception {
        EventQuery race = EventQuery.tagged("race:mixed");
        long seen = store.read(race, ReadOptions.defaults(), e -> { }).consistencyPosition().getAsLong();
        List<Future<List<AppendedEvent>>> appends = new ArrayList<>();
        try (Connection blocker = holdAllKey()) {
            Future<?> leader = threads.submit(() -> appendAlone(new Opened("leader-mixed")));
            awaitWaiters(1);
            for (int t = 0; t < 12; t++) {
                int thread = t;
                // two events each; the conditional ones race (one wins), the others pass between them
                List<NewEvent> events = List.of(NewEvent.of(new Race(thread % 2 == 0 ? "mixed" : "free", thread)),
                        NewEvent.of(new Opened("mixed-" + thread)));
                appends.add(threads.submit(() -> {
                    try {
                        return thread % 2 == 0 ? store.append(events, AppendCondition.failIfAnyAfter(race, seen)) : store.append(events);
                    } catch (AppendConditionFailed conflict) {
                        return List.of();
                    }
                }));
            }
            awaitQueued(12);
            blocker.rollback();
            leader.get(30, TimeUnit.SECONDS);
        }
        int stored = 0;
        for (Future<List<AppendedEvent>> f : appends) {
            List<AppendedEvent> out = f.get(30, TimeUnit.SECONDS);
            for (int i = 0; i < out.size(); i++) {
                AppendedEvent e = out.get(i);
                assertEquals(e.position(), Sql.queryLong(plain, "SELECT position FROM es_event WHERE event_id = ?", e.eventId()),
                        "the position handed back is the row's");
                long micros = e.recordedAt().getEpochSecond() * 1_000_000 + e.recordedAt().getNano() / 1_000;
                assertEquals(micros, Sql.queryLong(plain, "SELECT (extract(epoch FROM recorded_at) * 1000000)::bigint FROM es_event"
                        + " WHERE event_id = ?", e.eventId()), "the time handed back is the row's");
                if (i > 0) {
                    assertTrue(e.position() > out.get(i - 1).position(), "an append's events in order");
                }
                stored++;
            }
        }
        assertEquals(7 * 2, stored, "one conditional winner, six unconditional appends, two events each");
    }

    @Test
    void batchesOfIndependentSingleTagChecksShareOneStatementTextAndEachAppendGetsItsOwnOutcome() throws Exception {
        List<String> prepared = java.util.Collections.synchronizedList(new ArrayList<>());
        JdbcEventStore recorded = new JdbcEventStore(recordingStatements(prepared), TestEvents.registry(), new JsonbEventSerializer())
                .withGroupCommit(100, Duration.ofSeconds(30));
        long at = recorded.append(List.of(NewEvent.of(new Opened("one-text-stored")))).get(0).position();
        EventQuery stored = EventQuery.tagged("account:one-text-stored");
        EventQuery unused = EventQuery.tagged("account:one-text-unused");
        // a batch of three: a condition that passes (nothing after the stored event's own position), one that fails
        // (the event is after the position before it), none; two events in the first append: rows are told apart by append
        List<Future<Boolean>> first = batchBehindALeader(recorded, List.of(
                () -> recorded.appendWithConditions(List.of(NewEvent.of(new Opened("one-text-a")), NewEvent.of(new Opened("one-text-a2"))),
                        List.of(AppendCondition.failIfAnyAfter(stored, at), AppendCondition.failIfAny(unused))),
                () -> recorded.append(List.of(NewEvent.of(new Opened("one-text-b"))), AppendCondition.failIfAnyAfter(stored, at - 1)),
                () -> recorded.append(List.of(NewEvent.of(new Opened("one-text-c"))))));
        // a batch of two, two conditions each (a condition of two tags, and one more): the first fails through its last tag
        List<Future<Boolean>> second = batchBehindALeader(recorded, List.of(
                () -> recorded.appendWithConditions(List.of(NewEvent.of(new Opened("one-text-d"))), List.of(
                        AppendCondition.failIfAny(EventQuery.of(QueryItem.tags("account:one-text-x"), QueryItem.tags("account:one-text-y"))),
                        AppendCondition.failIfAny(stored))),
                () -> recorded.appendWithConditions(List.of(NewEvent.of(new Opened("one-text-e"))), List.of(
                        AppendCondition.failIfAny(unused), AppendCondition.failIfAny(EventQuery.tagged("account:one-text-z"))))));
        assertEquals(List.of(true, false, true), outcomes(first));
        assertEquals(List.of(false, true), outcomes(second));
        for (String account : List.of("a", "a2", "c", "e")) {
            assertEquals(1, Sql.queryLong(plain, "SELECT count(*) FROM es_event WHERE tags @> ARRAY['account:one-text-" + account + "']"));
        }
        for (String account : List.of("b", "d")) {
            assertEquals(0, Sql.queryLong(plain, "SELECT count(*) FROM es_event WHERE tags @> ARRAY['account:one-text-" + account + "']"));
        }
        List<String> batches = prepared.stream().filter(sql -> sql.contains("INSERT INTO es_event (position")).toList();
        assertEquals(2, batches.size(), "two batches: " + batches);
        assertEquals(batches.get(0), batches.get(1), "one text for batches of other sizes and conditions");
        assertEquals(0, recorded.groupCommitStatistics().orElseThrow().fallbacks(), "no batch refused: each ran as sent");
        long[] sizes = recorded.groupCommitStatistics().orElseThrow().batchesOfSize();
        assertEquals(List.of(3L, 1L, 1L), List.of(sizes[1], sizes[2], sizes[3]), "the first append and each leader alone, a batch of two, one of three");
    }

    /** Queues the appends behind a leader held in its lock step, so they run as one batch; each future: stored or not. */
    private List<Future<Boolean>> batchBehindALeader(JdbcEventStore on, List<Runnable> appends) throws Exception {
        List<Future<Boolean>> outcomes = new ArrayList<>();
        long before = on.groupCommitStatistics().orElseThrow().waiting();
        try (Connection blocker = holdAllKey()) {
            Future<?> leader = threads.submit(() -> on.append(List.of(NewEvent.of(new Opened("one-text-leader")))));
            awaitWaiters(1);
            for (int t = 0; t < appends.size(); t++) {
                Runnable append = appends.get(t);
                outcomes.add(threads.submit(() -> {
                    try {
                        append.run();
                        return true;
                    } catch (AppendConditionFailed failed) {
                        return false;
                    }
                }));
                int queued = t + 1;
                awaitUntil("appends queued: " + queued, () -> on.groupCommitStatistics().orElseThrow().waiting() == before + queued);
            }
            blocker.rollback();
            leader.get(30, TimeUnit.SECONDS);
        }
        return outcomes;
    }

    private static List<Boolean> outcomes(List<Future<Boolean>> futures) throws Exception {
        List<Boolean> out = new ArrayList<>();
        for (Future<Boolean> f : futures) {
            out.add(f.get(30, TimeUnit.SECONDS));
        }
        return out;
    }

    /** The pool, recording the SQL of every statement prepared on its connections. */
    private static DataSource recordingStatements(List<String> prepared) {
        return (DataSource) java.lang.reflect.Proxy.newProxyInstance(GroupCommitTest.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    Object result = invokeOn(pool, method, args);
                    if (!method.getName().equals("getConnection")) {
                        return result;
                    }
                    Connection real = (Connection) result;
                    return java.lang.reflect.Proxy.newProxyInstance(GroupCommitTest.class.getClassLoader(),
                            new Class<?>[] {Connection.class}, (p, m, a) -> {
                                if (m.getName().equals("prepareStatement")) {
                                    prepared.add((String) a[0]);
                                }
                                return invokeOn(real, m, a);
                            });
                });
    }

    private static Object invokeOn(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Test
    void aFailingBatchRunsEachAppendAloneSoEachGetsItsOwnOutcome() throws Exception {
        UUID taken = store.append(List.of(NewEvent.of(new Opened("taken")))).get(0).eventId();
        Future<List<AppendedEvent>> duplicate;
        Future<List<AppendedEvent>> first;
        Future<List<AppendedEvent>> second;
        try (Connection blocker = holdAllKey()) {
            Future<?> leader = threads.submit(() -> appendAlone(new Opened("leader-2")));
            awaitWaiters(1);
            first = threads.submit(() -> store.append(List.of(NewEvent.of(new Opened("fallback-1")))));
            awaitQueued(1);
            duplicate = threads.submit(() -> store.append(List.of(new NewEvent(taken, new Opened("again"), Metadata.empty()))));
            awaitQueued(2);
            EventQuery own = EventQuery.tagged("account:fallback-2");
            second = threads.submit(() -> store.append(List.of(NewEvent.of(new Opened("fallback-2"))),
                    AppendCondition.failIfAnyAfter(own, 0)));
            awaitQueued(3);
            blocker.rollback();
            leader.get(30, TimeUnit.SECONDS);
        }
        assertEquals(1, first.get(30, TimeUnit.SECONDS).size());
        assertEquals(1, second.get(30, TimeUnit.SECONDS).size());
        assertToldItExists(duplicate, taken);
        assertEquals(1, Sql.queryLong(plain, "SELECT count(*) FROM es_event WHERE tags @> ARRAY['account:fallback-1']"));
        assertEquals(1, Sql.queryLong(plain, "SELECT count(*) FROM es_event WHERE tags @> ARRAY['account:fallback-2']"));
    }

    /** The append failed because an event with its id exists, and that event is stored once. */
    static void assertToldItExists(Future<List<AppendedEvent>> append, UUID id) {
        ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> append.get(30, TimeUnit.SECONDS));
        EventStoreAccessException cause = assertInstanceOf(EventStoreAccessException.class, failed.getCause());
        assertTrue(cause.getMessage().contains("already exists"), cause.getMessage());
        assertEquals(1, Sql.queryLong(plain, "SELECT count(*) FROM es_event WHERE event_id = ?", id));
    }

    @Test
    void anAppendWithAnEventIdAlreadyInTheBatchWaitsForTheNextOneAndIsToldItExists() throws Exception {
        UUID id = UUID.randomUUID();
        GroupCommitStatistics before = store.groupCommitStatistics().orElseThrow();
        Future<List<AppendedEvent>> first;
        Future<List<AppendedEvent>> again;
        try (Connection blocker = holdAllKey()) {
            Future<?> leader = threads.submit(() -> appendAlone(new Opened("leader-dup")));
            awaitWaiters(1);
            first = threads.submit(() -> store.append(List.of(new NewEvent(id, new Opened("dup-first"), Metadata.empty()))));
            awaitQueued(1);
            again = threads.submit(() -> store.append(List.of(new NewEvent(id, new Opened("dup-again"), Metadata.empty())),
                    AppendCondition.failIfAnyAfter(EventQuery.tagged("account:dup-again"), 0)));
            awaitQueued(2);
            blocker.rollback();
            leader.get(30, TimeUnit.SECONDS);
        }
        assertEquals(id, first.get(30, TimeUnit.SECONDS).get(0).eventId());
        assertToldItExists(again, id);
        assertEquals(1, Sql.queryLong(plain, "SELECT count(*) FROM es_event WHERE tags @> ARRAY['account:dup-first']"));
        assertEquals(3, store.groupCommitStatistics().orElseThrow().since(before).batchesOfSize()[1],
                "the leader, the first, then the second alone: never with the first in one batch");
    }

    @Test
    void aBatchWithoutAConnectionRunsItsAppendAloneWhichGetsOne() {
        AtomicBoolean refuse = new AtomicBoolean(true);
        DataSource refusingOnce = beforeEachConnection(call -> {
            if (refuse.compareAndSet(true, false)) {
                throw new java.sql.SQLException("no connection now", "08001");
            }
        });
        JdbcEventStore refusing = new JdbcEventStore(refusingOnce, TestEvents.registry(), new JsonbEventSerializer()).withGroupCommit(100);
        assertEquals(1, refusing.append(List.of(NewEvent.of(new Opened("second-connection")))).size());
        assertEquals(1, refusing.groupCommitStatistics().orElseThrow().fallbacks(), "nothing was sent: the append ran alone");
        assertEquals(1, Sql.queryLong(plain, "SELECT count(*) FROM es_event WHERE tags @> ARRAY['account:second-connection']"));
    }

    @Test
    void aCallerInterruptedWhileQueuedStillLeadsItsBatchAndKeepsItsInterrupt() throws Exception {
        java.util.concurrent.atomic.AtomicReference<Thread> queuedThread = new java.util.concurrent.atomic.AtomicReference<>();
        Future<Boolean> interruptedAfter;
        try (Connection blocker = holdAllKey()) {
            Future<?> leader = threads.submit(() -> appendAlone(new Opened("leader-interrupt")));
            awaitWaiters(1);
            interruptedAfter = threads.submit(() -> {
                queuedThread.set(Thread.currentThread());
                assertEquals(1, store.append(List.of(NewEvent.of(new Opened("interrupted-queued")))).size());
                return Thread.interrupted();
            });
            awaitQueued(1);
            queuedThread.get().interrupt(); // the pool's wait for a connection would fail on it, were it still set when leading
            blocker.rollback();
            leader.get(30, TimeUnit.SECONDS);
        }
        assertTrue(interruptedAfter.get(30, TimeUnit.SECONDS), "the caller keeps its interrupt");
        assertEquals(1, Sql.queryLong(plain, "SELECT count(*) FROM es_event WHERE tags @> ARRAY['account:interrupted-queued']"));
    }

    @Test
    void aLeaderThatDiesOfAnErrorHandsTheLeadToTheQueuedAppends() throws Exception {
        java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        DataSource failingOnce = beforeEachConnection(call -> {
            if (call == 1) {
                entered.countDown();
                release.await(30, TimeUnit.SECONDS); // the others queue meanwhile
                throw new AssertionError("the leader's batch died");
            }
        });
        JdbcEventStore failing = new JdbcEventStore(failingOnce, TestEvents.registry(), new JsonbEventSerializer()).withGroupCommit(100);
        Future<List<AppendedEvent>> leader = threads.submit(() -> failing.append(List.of(NewEvent.of(new Opened("dying-leader")))));
        assertTrue(entered.await(20, TimeUnit.SECONDS), "the leader's batch asks for its connection");
        List<Future<List<AppendedEvent>>> queued = new ArrayList<>();
        queued.addAll(queueThree(failing, "after-dying-"));
        release.countDown();
        ExecutionException died = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> leader.get(30, TimeUnit.SECONDS));
        assertInstanceOf(AssertionError.class, died.getCause());
        for (int t = 0; t < 3; t++) {
            assertEquals(1, queued.get(t).get(30, TimeUnit.SECONDS).size(), "the next leader ran the queued appends");
            assertEquals(1, Sql.queryLong(plain, "SELECT count(*) FROM es_event WHERE tags @> ARRAY['account:after-dying-" + t + "']"));
        }
        assertEquals(0, Sql.queryLong(plain, "SELECT count(*) FROM es_event WHERE tags @> ARRAY['account:dying-leader']"));
    }

    @Test
    void aBatchThatDiesOfAnErrorTellsItsOtherAppendsTheirOutcomeIsUnknownAndTheNextAppendLeads() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        DataSource dyingSecond = beforeEachConnection(call -> {
            calls.set(call);
            if (call == 1) {
                release.await(30, TimeUnit.SECONDS); // the first batch waits: the next one forms
            } else if (call == 2) {
                throw new AssertionError("the second batch died");
            }
        });
        JdbcEventStore dying = new JdbcEventStore(dyingSecond, TestEvents.registry(), new JsonbEventSerializer()).withGroupCommit(100);
        Future<List<AppendedEvent>> first = threads.submit(() -> dying.append(List.of(NewEvent.of(new Opened("before-dying")))));
        awaitUntil("the first batch asks for its connection", () -> calls.get() == 1);
        List<Future<List<AppendedEvent>>> dyingBatch = new ArrayList<>();
        dyingBatch.addAll(queueThree(dying, "in-dying-"));
        release.countDown();
        assertEquals(1, first.get(30, TimeUnit.SECONDS).size());
        int errors = 0;
        for (Future<List<AppendedEvent>> f : dyingBatch) {
            ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> f.get(30, TimeUnit.SECONDS));
            if (failed.getCause() instanceof AssertionError) {
                errors++; // the batch's leader: the Error itself
            } else {
                EventStoreAccessException e = assertInstanceOf(EventStoreAccessException.class, failed.getCause());
                assertTrue(e.getMessage().contains("unknown") && !e.getMessage().contains("SQLSTATE"), e.getMessage());
                assertTrue(!e.isTransient(), "a decision must not retry it");
            }
        }
        assertEquals(1, errors, "one leader got the Error; the others were told their outcome is unknown, not 'condition failed'");
        assertEquals(1, dying.append(List.of(NewEvent.of(new Opened("after-the-error")))).size(), "the next append leads");
        assertEquals(0, Sql.queryLong(plain, "SELECT count(*) FROM es_event WHERE tags && ARRAY['account:in-dying-0',"
                + " 'account:in-dying-1', 'account:in-dying-2']"), "the batch never reached the database");
    }

    @Test
    void aBatchWaitingTooLongForALockHandsItsAppendsBackToRunAlone() throws Exception {
        JdbcEventStore impatient = new JdbcEventStore(pool, TestEvents.registry(), new JsonbEventSerializer())
                .withGroupCommit(100, Duration.ofMillis(200));
        try (Connection blocker = plain.getConnection()) {
            blocker.setAutoCommit(false);
            long key = AppendProtocol.key("tag:account:slow");
            try (PreparedStatement ps = blocker.prepareStatement("SELECT pg_advisory_xact_lock(?::int4, ?::int4)")) {
                ps.setInt(1, (int) (key >>> 32));
                ps.setInt(2, (int) key);
                ps.execute();
            }
            Future<List<AppendedEvent>> slow = threads.submit(() -> impatient.append(List.of(NewEvent.of(new Opened("slow")))));
            awaitUntil("the slow append's batch to give up", () -> impatient.groupCommitStatistics().orElseThrow().fallbacks() == 1);
            List<AppendedEvent> fast = threads.submit(() -> impatient.append(List.of(NewEvent.of(new Opened("fast")))))
                    .get(30, TimeUnit.SECONDS);
            assertEquals(1, fast.size(), "an append that needs no held key is not held up by one that does");
            assertTrue(!slow.isDone(), "the slow append waits for its key, alone, as without group commit");
            blocker.rollback();
            assertEquals(1, slow.get(30, TimeUnit.SECONDS).size());
        }
    }

    @Test
    void aConnectionLostAfterTheBatchRanIsAnUnknownOutcomeAndNeverRerun() throws Exception {
        // a batch of two or more: its insert numbers the rows of its appends
        DataSource losingOnce = AnswerLosingDataSource.losingOnce(pool, sql -> sql.contains("INSERT INTO es_event (position"));
        JdbcEventStore losing = new JdbcEventStore(losingOnce, TestEvents.registry(), new JsonbEventSerializer())
                .withGroupCommit(100, Duration.ofSeconds(30));
        List<Future<List<AppendedEvent>>> batched = new ArrayList<>();
        try (Connection blocker = holdAllKey()) {
            Future<?> leader = threads.submit(() -> losing.append(List.of(NewEvent.of(new Opened("lost-leader")))));
            awaitWaiters(1);
            batched.addAll(queueThree(losing, "lost-"));
            blocker.rollback();
            leader.get(30, TimeUnit.SECONDS);
        }
        for (int t = 0; t < 3; t++) {
            ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    batched.get(t)::get);
            EventStoreAccessException e = assertInstanceOf(EventStoreAccessException.class, failed.getCause());
            assertTrue(e.getMessage().contains("unknown"), e.getMessage());
            assertTrue(!e.isTransient(), "a decision must not retry it");
            assertEquals(1, Sql.queryLong(plain, "SELECT count(*) FROM es_event WHERE tags @> ARRAY['account:lost-" + t + "']"),
                    "stored once: the batch committed, and nothing ran it again");
        }
        assertEquals(0, losing.groupCommitStatistics().orElseThrow().fallbacks());
    }

    @Test
    void safeReadsNeverStepOverAGroupCommittedEvent() throws Exception {
        GroupCommitStatistics before = store.groupCommitStatistics().orElseThrow();
        long start = store.safePosition();
        int writers = 12;
        int appendsPerWriter = 100;
        AtomicBoolean writing = new AtomicBoolean(true);
        List<Long> seen = new ArrayList<>();
        Future<?> reader = threads.submit(() -> {
            long after = start;
            boolean last = false;
            while (!last) {
                last = !writing.get(); // one more read after the writers are done
                try (EventStream<RecordedEvent> s = store.read(EventQuery.all(), ReadOptions.defaults().after(after))) {
                    s.stream().forEach(e -> seen.add(e.position()));
                    after = s.result().consistencyPosition().getAsLong();
                }
            }
            return null;
        });
        List<Future<?>> appenders = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            appenders.add(threads.submit(() -> {
                for (int i = 0; i < appendsPerWriter; i++) {
                    if (i % 2 == 0) {
                        store.append(List.of(NewEvent.of(new Race("gap-free-" + writer, i))));
                    } else {
                        EventQuery own = EventQuery.tagged("race:gap-free-" + writer);
                        long at = store.read(own, ReadOptions.defaults(), e -> { }).consistencyPosition().getAsLong();
                        store.append(List.of(NewEvent.of(new Race("gap-free-" + writer, i))), AppendCondition.failIfAnyAfter(own, at));
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : appenders) {
            f.get(120, TimeUnit.SECONDS);
        }
        writing.set(false);
        reader.get(60, TimeUnit.SECONDS);
        List<Long> stored = Sql.queryStrings(plain, "SELECT position FROM es_event WHERE position > ? ORDER BY position", start)
                .stream().map(Long::parseLong).toList();
        assertEquals(writers * appendsPerWriter, stored.size());
        assertEquals(stored, seen, "the reader saw every event once, in order, none skipped");
        GroupCommitStatistics during = store.groupCommitStatistics().orElseThrow().since(before);
        assertTrue(during.appends() > during.batches(), "appends shared commits: " + during.appends() + " appends in "
                + during.batches() + " batches");
        assertTrue(during.busyMillis() > 0, "the batches' running time is counted");
    }

    /** What a test does before the pool hands out a connection: the call's number, from 1; may wait or throw. */
    private interface BeforeConnection {
        void run(int call) throws Exception;
    }

    /** The pool, with {@code before} run before each connection it hands out. */
    private static DataSource beforeEachConnection(BeforeConnection before) {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        return (DataSource) java.lang.reflect.Proxy.newProxyInstance(GroupCommitTest.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        before.run(calls.incrementAndGet());
                    }
                    try {
                        return method.invoke(pool, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** Three appends queued one after the other (accounts {@code <prefix>0..2}) behind a batch that waits. */
    private static List<Future<List<AppendedEvent>>> queueThree(JdbcEventStore store, String prefix) throws InterruptedException {
        List<Future<List<AppendedEvent>>> queued = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            int thread = t;
            queued.add(threads.submit(() -> store.append(List.of(NewEvent.of(new Opened(prefix + thread))))));
            awaitUntil("appends queued: " + (t + 1), () -> store.groupCommitStatistics().orElseThrow().waiting() == thread + 1);
        }
        return queued;
    }

    private static void appendAlone(Event event) {
        store.append(List.of(NewEvent.of(event)));
    }

    /** A session holding the key every writer takes shared: appends wait in their lock step until it rolls back. */
    private static Connection holdAllKey() throws Exception {
        Connection c = plain.getConnection();
        c.setAutoCommit(false);
        long key = AppendProtocol.key("all");
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?::int4, ?::int4)")) {
            ps.setInt(1, (int) (key >>> 32));
            ps.setInt(2, (int) key);
            ps.execute();
        }
        return c;
    }

    private static void awaitWaiters(int sessions) throws InterruptedException {
        awaitUntil("sessions waiting on an advisory lock: " + sessions, () -> Sql.queryLong(plain,
                "SELECT count(DISTINCT pid) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted") == sessions);
    }

    private static void awaitQueued(int appends) throws InterruptedException {
        awaitUntil("appends queued: " + appends, () -> store.groupCommitStatistics().orElseThrow().waiting() == appends);
    }

    private static void awaitUntil(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("never reached: " + what);
            }
            Thread.sleep(10); // polling with a deadline
        }
    }
}
