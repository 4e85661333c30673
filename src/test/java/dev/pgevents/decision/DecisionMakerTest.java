package dev.pgevents.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pgevents.decision.courses.CourseDecisions.CourseFull;
import dev.pgevents.decision.courses.CourseDecisions.DefineCourse;
import dev.pgevents.decision.courses.CourseDecisions.GrantSeats;
import dev.pgevents.decision.courses.CourseDecisions.Subscribe;
import dev.pgevents.decision.courses.CourseEvent;
import dev.pgevents.decision.courses.CourseEvent.CourseDefined;
import dev.pgevents.decision.courses.CourseEvent.StudentSubscribed;
import dev.pgevents.eventstore.AppendCondition;
import dev.pgevents.eventstore.AppendConditionFailed;
import dev.pgevents.eventstore.AppendedEvent;
import dev.pgevents.eventstore.Event;
import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.EventStore;
import dev.pgevents.eventstore.EventStream;
import dev.pgevents.eventstore.EventTypeRegistry;
import dev.pgevents.eventstore.JsonbEventSerializer;
import dev.pgevents.eventstore.NewEvent;
import dev.pgevents.eventstore.ReadOptions;
import dev.pgevents.eventstore.RecordedEvent;
import dev.pgevents.eventstore.UndecodableEventException;
import dev.pgevents.eventstore.UnknownTypePolicy;
import dev.pgevents.eventstore.Tag;
import dev.pgevents.eventstore.jdbc.JdbcEventStore;
import dev.pgevents.testsupport.Appends;
import dev.pgevents.testsupport.EventStoreFixture;
import dev.pgevents.testsupport.ForwardingEventStore;
import dev.pgevents.testsupport.PooledDataSource;
import dev.pgevents.testsupport.Sql;
import dev.pgevents.testsupport.TestTransactions;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The decision maker against PostgreSQL, with the test transaction helper standing in for JTA. */
class DecisionMakerTest {

    // ---- a per-entity (seed 004) domain: a counter whose state query is one tag

    sealed interface CounterEvent extends Event {
        record Increased(@Tag("counter") String id, long by) implements CounterEvent {
        }
    }

    record Counter(String id, long value) implements State<Counter> {
        @Override
        public EventQuery query() {
            return EventQuery.tagged("counter:" + id);
        }

        @Override
        public Counter evolve(RecordedEvent e) {
            return e.event() instanceof CounterEvent.Increased i ? new Counter(id, value + i.by()) : this;
        }
    }

    record Increase(String id, long by) implements Decision {
        @Override
        public List<State<?>> initialStates() {
            return List.of(new Counter(id, 0));
        }

        @Override
        public List<? extends Event> process(States states) {
            if (states.get(Counter.class).value() + by > 1_000_000) {
                throw new DecisionRejected("overflow");
            }
            return List.of(new CounterEvent.Increased(id, by));
        }
    }

    // ---- two decisions whose locks cross: a real deadlock

    public record Linked(@Tag("left") String left, @Tag("right") String right) implements Event {
    }

    record Links(EventQuery query, int count) implements State<Links> {
        @Override
        public Links evolve(RecordedEvent e) {
            return new Links(query, count + 1);
        }
    }

    record Link(String left, String right, boolean byLeft, CyclicBarrier meet, AtomicInteger runs) implements Decision {
        @Override
        public List<State<?>> initialStates() {
            return List.of(new Links(EventQuery.tagged(byLeft ? "left:" + left : "right:" + right), 0));
        }

        @Override
        public List<? extends Event> process(States states) {
            if (runs.incrementAndGet() == 1) {
                try {
                    meet.await(10, TimeUnit.SECONDS); // both now hold their exclusive condition lock
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            return List.of(new Linked(left, right));
        }
    }

    static DataSource plain;
    static PooledDataSource pool;
    static TestTransactions tx;
    static JdbcEventStore store;
    static DecisionMaker maker;
    static ExecutorService threads;
    /** Runs a racer may need: 1 on the locking path; with shared commits an optimistic conflict adds one. */
    static int racerAttempts;

    @BeforeAll
    static void setUp() {
        plain = EventStoreFixture.migrated("dm_test");
        pool = new PooledDataSource(plain, 24);
        tx = new TestTransactions(pool);
        EventTypeRegistry registry = EventTypeRegistry.of(CourseEvent.class, CounterEvent.class, Linked.class);
        store = new JdbcEventStore(tx.dataSource(), registry, new JsonbEventSerializer());
        maker = new DecisionMaker(store, tx, new RetryPolicy(10, Duration.ofMillis(1), Duration.ofMillis(20)));
        racerAttempts = 1;
        threads = Executors.newFixedThreadPool(20);
    }

    @AfterAll
    static void tearDown() {
        threads.shutdownNow();
        pool.close();
    }

    static String fresh() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    static long count(String tag, String type) {
        return Sql.queryLong(plain, "SELECT count(*) FROM es_event WHERE tags @> ARRAY[?]::text[] AND type = ?", tag, type);
    }

    @Test
    void makesADecisionAndReturnsTheAppendedEventsWithPositions() {
        String c = fresh();
        DecisionResult r = maker.make(new DefineCourse(c, 3));
        assertEquals(1, r.attempts());
        assertEquals(1, r.events().size());
        AppendedEvent e = r.events().get(0);
        assertEquals(new CourseDefined(c, 3), e.event());
        assertEquals(Set.of("course:" + c), e.tags());
        assertEquals(e.position(), r.lastPosition().getAsLong());
        assertEquals(e.position(), Sql.queryLong(plain, "SELECT position FROM es_event WHERE event_id = ?", e.eventId()));
    }

    @Test
    void anEventOfAnUnknownTypeFailsTheDecisionOrIsSkippedAsConfigured() {
        String id = fresh();
        maker.make(new Increase(id, 2));
        // another application's event on the same entity, e.g. appended over /dcb
        long position = Sql.queryLong(plain, "INSERT INTO es_event (event_id, type, tags, payload)"
                + " SELECT gen_random_uuid(), 'LegacyAdjusted', ARRAY[?], '{}'" + Sql.PROTOCOL + " RETURNING position", "counter:" + id);
        UndecodableEventException e = assertThrows(UndecodableEventException.class, () -> maker.make(new Increase(id, 1)));
        assertEquals("LegacyAdjusted", e.type());
        assertEquals(position, e.position());
        assertEquals(1, count("counter:" + id, "Increased"), "nothing appended");

        DecisionMaker skipping = new DecisionMaker(store, tx, maker.retryPolicy(), UnknownTypePolicy.SKIP);
        DecisionResult r = skipping.make(new Increase(id, 1));
        assertEquals(new CounterEvent.Increased(id, 1), r.events().get(0).event());
        assertEquals(1, r.attempts(), "the skipped event does not void the read's proof: no conflict");
        assertEquals(2, count("counter:" + id, "Increased"));
    }

    @Test
    void aRejectionIsTypedNotRetriedAndAppendsNothing() {
        String c = fresh();
        maker.make(new DefineCourse(c, 1));
        maker.make(new Subscribe(c, "s1"));
        AtomicInteger runs = new AtomicInteger();
        Decision counting = new Decision() {
            final Subscribe inner = new Subscribe(c, "s2");

            @Override
            public List<State<?>> initialStates() {
                return inner.initialStates();
            }

            @Override
            public List<? extends Event> process(States states) {
                runs.incrementAndGet();
                return inner.process(states);
            }
        };
        assertThrows(CourseFull.class, () -> maker.make(counting));
        assertEquals(1, runs.get());
        assertEquals(1, count("course:" + c, "StudentSubscribed"));
    }

    @Test
    void anIdempotentCommandAppendsNothingTheSecondTime() {
        String c = fresh();
        maker.make(new DefineCourse(c, 1));
        UUID trigger = UUID.randomUUID();
        assertEquals(1, maker.make(new GrantSeats(c, 2, trigger)).events().size());
        DecisionResult again = maker.make(new GrantSeats(c, 2, trigger));
        assertTrue(again.events().isEmpty());
        assertTrue(again.lastPosition().isEmpty());
        assertEquals(1, count("course:" + c, "CapacityIncreased"));
    }

    @Test
    void fortyRacersForTenSeatsYieldExactlyTenWinnersWithoutRetries() throws Exception {
        String c = fresh();
        maker.make(new DefineCourse(c, 10));
        int racers = 40;
        CyclicBarrier start = new CyclicBarrier(16);
        List<Future<DecisionResult>> results = new ArrayList<>();
        AtomicInteger started = new AtomicInteger();
        for (int i = 0; i < racers; i++) {
            String student = "s" + i;
            results.add(threads.submit(() -> {
                if (started.incrementAndGet() <= 16) {
                    start.await(10, TimeUnit.SECONDS); // the first 16 start together
                }
                return maker.make(new Subscribe(c, student));
            }));
        }
        int winners = 0;
        int full = 0;
        for (Future<DecisionResult> f : results) {
            try {
                DecisionResult r = f.get(60, TimeUnit.SECONDS);
                assertTrue(r.attempts() <= racerAttempts, "the locking path waits: no conflict, no retry; " + r.attempts());
                winners++;
            } catch (ExecutionException e) {
                assertInstanceOf(CourseFull.class, e.getCause());
                full++;
            }
        }
        assertEquals(10, winners);
        assertEquals(30, full);
        // the invariant, recomputed from the events
        Set<String> students = new HashSet<>();
        int capacity = 0;
        try (EventStream<RecordedEvent> s = store.read(EventQuery.tagged("course:" + c), ReadOptions.defaults())) {
            for (RecordedEvent e : s.toList()) {
                if (e.event() instanceof CourseDefined d) {
                    capacity = d.capacity();
                } else if (e.event() instanceof StudentSubscribed sub) {
                    assertTrue(students.add(sub.studentId()), "no double subscription");
                    assertTrue(students.size() <= capacity, "capacity never exceeded");
                }
            }
        }
        assertEquals(10, students.size());
    }

    @Test
    void perEntityOptimisticLockingIsADecisionOnOneTagAndLosesNoUpdate() throws Exception {
        String id = fresh();
        List<Future<?>> results = new ArrayList<>();
        CyclicBarrier start = new CyclicBarrier(16);
        for (int t = 0; t < 16; t++) {
            long by = t + 1;
            results.add(threads.submit(() -> {
                start.await(10, TimeUnit.SECONDS);
                for (int i = 0; i < 5; i++) {
                    maker.make(new Increase(id, by));
                }
                return null;
            }));
        }
        for (Future<?> f : results) {
            f.get(60, TimeUnit.SECONDS);
        }
        long value = 0;
        for (RecordedEvent e : store.read(EventQuery.tagged("counter:" + id), ReadOptions.defaults()).toList()) {
            value += ((CounterEvent.Increased) e.event()).by();
        }
        assertEquals(5L * (16 * 17 / 2), value);
        // the optimistic form of the same boundary: a stale version conflicts
        EventQuery entity = new Counter(id, 0).query();
        long version = store.read(entity, ReadOptions.defaults(), e -> { }).consistencyPosition().getAsLong();
        maker.make(new Increase(id, 1));
        assertThrows(AppendConditionFailed.class, () -> store.append(
                List.of(NewEvent.of(new CounterEvent.Increased(id, 1))), AppendCondition.failIfAnyAfter(entity, version)));
    }

    @Test
    void anInFlightWriterOfAMatchingEventBlocksTheDecisionWhichThenSeesIt() throws Exception {
        String c = fresh();
        maker.make(new DefineCourse(c, 1));
        try (Connection t1 = plain.getConnection()) {
            t1.setAutoCommit(false);
            EventStore inT1 = new JdbcEventStore(TestTransactions.singleConnection(t1), store.registry(), new JsonbEventSerializer());
            Appends.unconditional(inT1, new StudentSubscribed(c, "early")); // uncommitted: takes the last seat
            long waitingBefore = waitingOnAdvisoryLocks();
            Future<DecisionResult> late = threads.submit(() -> maker.make(new Subscribe(c, "late")));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (waitingOnAdvisoryLocks() <= waitingBefore) {
                if (System.nanoTime() > deadline) {
                    fail("the decision never waited for the in-flight writer");
                }
                Thread.sleep(10);
            }
            assertTrue(!late.isDone());
            t1.commit();
            ExecutionException e = assertThrows(ExecutionException.class, () -> late.get(10, TimeUnit.SECONDS));
            assertInstanceOf(CourseFull.class, e.getCause(), "the decision saw the event committed while it waited");
        }
        assertEquals(1, count("course:" + c, "StudentSubscribed"));
    }

    static long waitingOnAdvisoryLocks() {
        return Sql.queryLong(plain, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                + " AND wait_event_type = 'Lock' AND wait_event = 'advisory'");
    }

    /** Delegates, but the first {@code failures} conditional appends fail with a conflict. */
    static final class FlakyStore extends ForwardingEventStore {
        final AtomicInteger failuresLeft;
        final AtomicInteger appends = new AtomicInteger();

        FlakyStore(EventStore delegate, int failures) {
            super(delegate);
            this.failuresLeft = new AtomicInteger(failures);
        }

        @Override
        public List<AppendedEvent> append(List<NewEvent> events, AppendCondition condition) {
            appends.incrementAndGet();
            if (failuresLeft.getAndDecrement() > 0) {
                throw new AppendConditionFailed(condition);
            }
            return delegate.append(events, condition);
        }

        @Override
        public List<AppendedEvent> appendWithConditions(List<NewEvent> events, List<AppendCondition> conditions) {
            appends.incrementAndGet();
            if (failuresLeft.getAndDecrement() > 0) {
                throw new AppendConditionFailed(conditions);
            }
            return delegate.appendWithConditions(events, conditions);
        }
    }

    @Test
    void retriesAConflictThenSucceeds() {
        String id = fresh();
        FlakyStore flaky = new FlakyStore(store, 2);
        DecisionMaker m = new DecisionMaker(flaky, tx, new RetryPolicy(5, Duration.ofMillis(1), Duration.ofMillis(5)));
        DecisionResult r = m.make(new Increase(id, 7));
        assertEquals(3, r.attempts());
        assertEquals(3, flaky.appends.get());
        assertEquals(1, count("counter:" + id, "Increased"));
    }

    @Test
    void givesUpWithATypedConflictAfterMaxAttempts() {
        String id = fresh();
        FlakyStore flaky = new FlakyStore(store, Integer.MAX_VALUE);
        DecisionMaker m = new DecisionMaker(flaky, tx, new RetryPolicy(4, Duration.ofMillis(1), Duration.ofMillis(5)));
        DecisionConflictException e = assertThrows(DecisionConflictException.class, () -> m.make(new Increase(id, 7)));
        assertEquals(4, e.attempts());
        assertInstanceOf(AppendConditionFailed.class, e.getCause());
        assertEquals(4, flaky.appends.get());
        assertEquals(0, count("counter:" + id, "Increased"));
    }

    @Test
    void aRealDeadlockBetweenCrossingDecisionsIsRetried() throws Exception {
        String left = fresh();
        String right = fresh();
        CyclicBarrier meet = new CyclicBarrier(2);
        Future<DecisionResult> a = threads.submit(() -> maker.make(new Link(left, right, true, meet, new AtomicInteger())));
        Future<DecisionResult> b = threads.submit(() -> maker.make(new Link(left, right, false, meet, new AtomicInteger())));
        DecisionResult ra = a.get(30, TimeUnit.SECONDS);
        DecisionResult rb = b.get(30, TimeUnit.SECONDS);
        assertEquals(3, ra.attempts() + rb.attempts(), "one of them was the deadlock victim and ran twice");
        assertEquals(2, count("left:" + left, "Linked"));
    }

    @Test
    void aDecisionWithoutStatesAppendsUnconditionally() {
        String id = fresh();
        Decision fact = new Decision() {
            @Override
            public List<State<?>> initialStates() {
                return List.of();
            }

            @Override
            public List<? extends Event> process(States states) {
                return List.of(new CounterEvent.Increased(id, 1));
            }
        };
        assertEquals(1, maker.make(fact).events().size());
        assertEquals(1, count("counter:" + id, "Increased"));
    }
}
