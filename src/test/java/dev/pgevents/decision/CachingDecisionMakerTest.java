package dev.pgevents.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.decision.courses.CourseDecisions;
import dev.pgevents.decision.courses.CourseDecisions.CourseFull;
import dev.pgevents.decision.courses.CourseDecisions.DefineCourse;
import dev.pgevents.decision.courses.CourseDecisions.Subscribe;
import dev.pgevents.decision.courses.CourseEvent.StudentSubscribed;
import dev.pgevents.decision.courses.CourseState;
import dev.pgevents.decision.courses.StudentState;
import dev.pgevents.eventstore.Event;
import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.EventStore;
import dev.pgevents.eventstore.EventStream;
import dev.pgevents.eventstore.ReadOptions;
import dev.pgevents.eventstore.RecordedEvent;
import dev.pgevents.testsupport.ForwardingEventStore;
import dev.pgevents.transaction.Transactions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every test of {@link DecisionMakerTest} again with a state cache on the locking path; then what
 * the cache must never do: decide on states another writer has moved past, reject on them, or
 * keep the events of a transaction that did not commit.
 */
class CachingDecisionMakerTest extends DecisionMakerTest {

    @BeforeAll
    static void cacheStates() {
        maker = maker.cachingStates(1_000);
    }

    /** Appends the difference to {@code target}: the stored sum is the target only if the state was current. */
    record SetTo(String id, long target) implements Decision {
        @Override
        public List<State<?>> initialStates() {
            return List.of(new Counter(id, 0));
        }

        @Override
        public List<? extends Event> process(States states) {
            long value = states.get(Counter.class).value();
            return value == target ? List.of() : List.of(new CounterEvent.Increased(id, target - value));
        }
    }

    /** Takes {@code amount} away, rejected when the counter holds less. */
    record Withdraw(String id, long amount) implements Decision {
        @Override
        public List<State<?>> initialStates() {
            return List.of(new Counter(id, 0));
        }

        @Override
        public List<? extends Event> process(States states) {
            if (states.get(Counter.class).value() < amount) {
                throw new DecisionRejected("insufficient");
            }
            return List.of(new CounterEvent.Increased(id, -amount));
        }
    }

    static long sum(String id) {
        long value = 0;
        try (EventStream<RecordedEvent> s = store.read(EventQuery.tagged("counter:" + id), ReadOptions.defaults())) {
            for (RecordedEvent e : s.toList()) {
                value += ((CounterEvent.Increased) e.event()).by();
            }
        }
        return value;
    }

    DecisionMaker caching(EventStore on, Transactions transactions) {
        return new DecisionMaker(on, transactions, new RetryPolicy(10, Duration.ofMillis(1), Duration.ofMillis(20)))
                .cachingStates(100);
    }

    @Test
    void aDecisionOnCachedStatesReadsNothingAndItsOwnEventsAreFoldedIn() {
        String id = fresh();
        CountingReads reads = new CountingReads(store);
        DecisionMaker m = caching(reads, tx);
        m.make(new Increase(id, 5));
        assertEquals(1, reads.reads.get(), "the first decision reads its state");
        DecisionResult second = m.make(new Increase(id, 2));
        DecisionResult third = m.make(new SetTo(id, 10));
        assertEquals(1, reads.reads.get(), "the next ones decide on the cached state");
        assertEquals(1, second.attempts());
        assertEquals(1, third.attempts());
        assertEquals(10, sum(id), "the cached state held the decisions' own events");
        DecisionMaker.CacheStatistics figures = m.cacheStatistics();
        assertEquals(2, figures.hits());
        assertEquals(1, figures.misses());
        assertEquals(0, figures.stale());
    }

    @Test
    void anotherWritersEventMakesTheCachedStateStaleAndOnlyTheNewEventsAreRead() {
        String id = fresh();
        CountingReads reads = new CountingReads(store);
        DecisionMaker m = caching(reads, tx);
        m.make(new Increase(id, 5));
        long cachedUpTo = sum(id) == 5 ? lastPosition(id) : -1;
        maker.make(new Increase(id, 30)); // another node, or a maker without this cache
        DecisionResult r = m.make(new SetTo(id, 100));
        assertEquals(100, sum(id), "decided on the current state, not the cached one");
        assertEquals(2, r.attempts(), "on the cached state, then on the state read (without backing off)");
        assertEquals(1, m.cacheStatistics().stale());
        assertEquals(2, reads.reads.get());
        assertEquals(cachedUpTo + 1, reads.lastFrom.get(), "the second read starts after the cached position");
    }

    @Test
    void aRejectionOnCachedStatesIsConfirmedByAReadFirst() {
        String id = fresh();
        DecisionMaker m = caching(store, tx);
        m.make(new Increase(id, 5));
        maker.make(new Increase(id, 10)); // the cache still says 5
        DecisionResult r = m.make(new Withdraw(id, 8));
        assertEquals(1, r.events().size(), "15 covers 8: not rejected on the cached 5");
        assertEquals(7, sum(id));
        assertThrows(DecisionRejected.class, () -> m.make(new Withdraw(id, 8)), "7 does not cover 8");
        assertEquals(7, sum(id));
    }

    @Test
    void anEmptyOutcomeOnCachedStatesIsConfirmedByAReadFirst() {
        String id = fresh();
        DecisionMaker m = caching(store, tx);
        m.make(new SetTo(id, 4));
        maker.make(new Increase(id, 1)); // the cache still says 4
        DecisionResult r = m.make(new SetTo(id, 4));
        assertEquals(1, r.events().size(), "5 is not 4: the no-op on the cached 4 was wrong");
        assertEquals(4, sum(id));
    }

    @Test
    void theEventsOfATransactionThatDidNotCommitNeverReachTheCache() {
        String id = fresh();
        AtomicBoolean failNextCommit = new AtomicBoolean();
        Transactions failing = new Transactions() {
            @Override
            public <T> T inNewTransaction(Callable<T> work) {
                return tx.inNewTransaction(() -> {
                    T result = work.call();
                    if (failNextCommit.getAndSet(false)) {
                        throw new IllegalStateException("the commit failed"); // rolls the work back
                    }
                    return result;
                });
            }

            @Override
            public boolean active() {
                return tx.active();
            }
        };
        // the locking path: the decision's transaction is the one that fails
        DecisionMaker m = new DecisionMaker(store, failing, new RetryPolicy(10, Duration.ofMillis(1), Duration.ofMillis(20)))
                .cachingStates(100);
        m.make(new Increase(id, 3));
        failNextCommit.set(true);
        assertThrows(IllegalStateException.class, () -> m.make(new Increase(id, 7)));
        assertEquals(3, sum(id));
        m.make(new SetTo(id, 50));
        assertEquals(50, sum(id), "the rolled-back 7 was not in the state decided on");
    }

    @Test
    void twoMakersWithTheirOwnCachesRacingOnOneCounterLoseNoUpdate() throws Exception {
        String id = fresh();
        DecisionMaker[] nodes = {caching(store, tx), caching(store, tx)};
        int threads = 8;
        int each = 10;
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<?>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            DecisionMaker node = nodes[t % 2];
            results.add(DecisionMakerTest.threads.submit(() -> {
                start.await(10, TimeUnit.SECONDS);
                for (int i = 0; i < each; i++) {
                    node.make(new Increase(id, 1));
                }
                return null;
            }));
        }
        for (Future<?> f : results) {
            f.get(60, TimeUnit.SECONDS);
        }
        assertEquals(threads * each, sum(id));
        long stale = nodes[0].cacheStatistics().stale() + nodes[1].cacheStatistics().stale();
        assertTrue(stale > 0, "the other node's appends made cached states stale");
    }

    /** A seat on a course, decided on the course alone: every booking of the course shares one cache entry. */
    record Book(String courseId, String studentId) implements Decision {
        @Override
        public List<State<?>> initialStates() {
            return List.of(CourseState.initial(courseId));
        }

        @Override
        public List<? extends Event> process(States states) {
            CourseState course = states.get(CourseState.class);
            if (course.full()) {
                throw new CourseFull(courseId);
            }
            return List.of(new StudentSubscribed(courseId, studentId));
        }
    }

    /** Sees the course's and the student's states, appends nothing. */
    record Peek(String courseId, String studentId, AtomicReference<List<State<?>>> seen)
            implements Decision {
        @Override
        public List<State<?>> initialStates() {
            return List.of(CourseState.initial(courseId), StudentState.initial(studentId));
        }

        @Override
        public List<? extends Event> process(States states) {
            seen.set(List.of(states.get(CourseState.class), states.get(StudentState.class)));
            return List.of();
        }
    }

    @Test
    void aStateFoldedForOneDecisionServesAnotherAndOnlyEventsAfterTheLeastCompleteStateAreRead() {
        String c1 = fresh();
        String c2 = fresh();
        String s = "s-" + c1;
        String t = "t-" + c2;
        CountingReads reads = new CountingReads(store);
        DecisionMaker m = caching(reads, tx);
        m.make(new DefineCourse(c1, 10));
        m.make(new DefineCourse(c2, 10));
        m.make(new Subscribe(c2, t)); // c2's state cached up to here
        long courseUpTo = dev.pgevents.testsupport.Sql.queryLong(plain,
                "SELECT max(position) FROM es_event WHERE tags @> ARRAY[?]::text[]", "course:" + c2);
        m.make(new Subscribe(c1, s)); // s's state cached up to a later position
        int readsBefore = reads.reads.get();
        AtomicReference<List<State<?>>> seen = new AtomicReference<>();
        m.make(new Peek(c2, s, seen));
        assertEquals(readsBefore + 1, reads.reads.get(), "one read for the two cached states");
        assertEquals(courseUpTo + 1, reads.lastFrom.get(), "it starts after the least complete state's position");
        CourseState course = (CourseState) seen.get().get(0);
        StudentState student = (StudentState) seen.get().get(1);
        assertEquals(Set.of(t), course.students());
        assertEquals(1, student.courses(), "the student's subscription read again is not folded twice");
        int readsAfterPeek = reads.reads.get();
        m.make(new Subscribe(c2, s));
        assertEquals(readsAfterPeek, reads.reads.get(), "the read left both states complete up to one position: no read");
        assertEquals(2, count("student:" + s, "StudentSubscribed"));
    }

    @Test
    void aDecisionOnStatesCachedAtDifferentPositionsAppendsWithoutARead() {
        String c1 = fresh();
        String c2 = fresh();
        String s = "s-" + c1;
        CountingReads reads = new CountingReads(store);
        DecisionMaker m = caching(reads, tx);
        m.make(new DefineCourse(c1, 10));
        m.make(new DefineCourse(c2, 10));
        m.make(new Subscribe(c2, "t-" + c2)); // c2's state cached up to here
        m.make(new Subscribe(c1, s)); // s's state cached up to a later position
        int readsBefore = reads.reads.get();
        DecisionResult r = m.make(new Subscribe(c2, s));
        assertEquals(readsBefore, reads.reads.get(), "each position's states have a condition of their own: no read");
        assertEquals(1, r.attempts());
        assertEquals(2, count("student:" + s, "StudentSubscribed"));
        assertEquals(2, count("course:" + c2, "StudentSubscribed"));
        assertEquals(0, m.cacheStatistics().stale());
    }

    @Test
    void aStaleOneOfStatesCachedAtDifferentPositionsFailsTheAppendAndTheReadDecides() {
        String c = fresh();
        String other = fresh();
        String s = "s-" + c;
        DecisionMaker m = caching(store, tx);
        m.make(new DefineCourse(c, 2));
        m.make(new DefineCourse(other, 2));
        m.make(new Subscribe(c, "t-" + c)); // c cached with one student of two
        maker.make(new Subscribe(c, "u-" + c)); // another node fills c
        m.make(new Subscribe(other, s)); // s cached at a later position than the other node's event
        assertThrows(CourseFull.class, () -> m.make(new Subscribe(c, s)), "the course's cached state was stale: the read finds it full");
        assertEquals(2, count("course:" + c, "StudentSubscribed"));
        assertEquals(1, count("student:" + s, "StudentSubscribed"));
        assertEquals(1, m.cacheStatistics().stale());
    }

    @Test
    void aStaleStateCachedAtTheLaterPositionFailsTheAppendToo() {
        String c = fresh();
        String s = "s-" + c;
        DecisionMaker m = caching(store, tx);
        m.make(new DefineCourse(c, 10));
        for (int i = 0; i < CourseDecisions.MAX_COURSES_PER_STUDENT; i++) {
            m.make(new DefineCourse(c + "-" + i, 10));
        }
        m.make(new Subscribe(c + "-0", s));
        m.make(new Subscribe(c + "-1", s)); // s cached with two courses, after c's definition
        maker.make(new Subscribe(c + "-2", s)); // another node gives s its last course
        DecisionRejected limit = assertThrows(DecisionRejected.class, () -> m.make(new Subscribe(c, s)),
                "the student's cached state was stale");
        assertEquals("student-limit", limit.reason());
        assertEquals(CourseDecisions.MAX_COURSES_PER_STUDENT, count("student:" + s, "StudentSubscribed"));
        assertEquals(1, m.cacheStatistics().stale());
    }

    @Test
    void fortyBookingsForTenSeatsThroughTwoCachesYieldExactlyTenSeats() throws Exception {
        String c = fresh();
        DecisionMaker[] nodes = {caching(store, tx), caching(store, tx)};
        nodes[0].make(new DefineCourse(c, 10));
        nodes[1].make(new Book(c, "warm")); // both caches hold the course before the race
        nodes[0].make(new Book(c, "warm2"));
        int racers = 40;
        CyclicBarrier start = new CyclicBarrier(16);
        AtomicInteger started = new AtomicInteger();
        List<Future<DecisionResult>> results = new ArrayList<>();
        for (int i = 0; i < racers; i++) {
            DecisionMaker node = nodes[i % 2];
            String student = "s" + i;
            results.add(DecisionMakerTest.threads.submit(() -> {
                if (started.incrementAndGet() <= 16) {
                    start.await(10, TimeUnit.SECONDS);
                }
                return node.make(new Book(c, student));
            }));
        }
        int winners = 0;
        for (Future<DecisionResult> f : results) {
            try {
                f.get(60, TimeUnit.SECONDS);
                winners++;
            } catch (java.util.concurrent.ExecutionException e) {
                assertTrue(e.getCause() instanceof CourseFull, "only a full course rejects: " + e.getCause());
            }
        }
        assertEquals(8, winners, "10 seats, 2 taken before the race");
        assertEquals(10, count("course:" + c, "StudentSubscribed"), "the capacity holds, whatever the caches held");
    }

    @Test
    void aRunTheTransactionsAnswerForAppendsNothingAndCachesNothing() {
        String id = fresh();
        Transactions answering = new Transactions() { // as the inbound engine's: a duplicate message is answered without the work
            @Override
            public <T> T inNewTransaction(Callable<T> work) {
                return null;
            }

            @Override
            public boolean active() {
                return false;
            }
        };
        DecisionMaker m = new DecisionMaker(store, answering, new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5)))
                .cachingStates(10);
        DecisionResult r = m.make(new Increase(id, 1));
        assertTrue(r.events().isEmpty());
        assertEquals(0, m.cacheStatistics().entries());
        assertEquals(0, sum(id));
    }

    @Test
    void statesThatAreNotRecordsAreNotCached() {
        String id = fresh();
        DecisionMaker m = caching(store, tx);
        Decision increase = new Decision() {
            @Override
            public List<State<?>> initialStates() {
                return List.of(new PlainCounter(id, 0));
            }

            @Override
            public List<? extends Event> process(States states) {
                return List.of(new CounterEvent.Increased(id, 1));
            }
        };
        m.make(increase);
        m.make(increase);
        assertEquals(new DecisionMaker.CacheStatistics(0, 0, 0, 0), m.cacheStatistics());
        assertEquals(2, sum(id));
    }

    /** A state that is not a record: its equality is identity, so a cache could never tell two apart. */
    static final class PlainCounter implements State<PlainCounter> {
        final String id;
        final long value;

        PlainCounter(String id, long value) {
            this.id = id;
            this.value = value;
        }

        @Override
        public EventQuery query() {
            return EventQuery.tagged("counter:" + id);
        }

        @Override
        public PlainCounter evolve(RecordedEvent e) {
            return new PlainCounter(id, value + ((CounterEvent.Increased) e.event()).by());
        }
    }

    static long lastPosition(String id) {
        return dev.pgevents.testsupport.Sql.queryLong(plain, "SELECT max(position) FROM es_event WHERE tags @> ARRAY[?]::text[]",
                "counter:" + id);
    }

    /** Delegates, counting the reads and remembering where the last one started. */
    static final class CountingReads extends ForwardingEventStore {
        final AtomicInteger reads = new AtomicInteger();
        final AtomicLong lastFrom = new AtomicLong();

        CountingReads(EventStore delegate) {
            super(delegate);
        }

        @Override
        public EventStream<RecordedEvent> read(EventQuery query, ReadOptions options) {
            reads.incrementAndGet();
            lastFrom.set(options.from());
            return delegate.read(query, options);
        }
    }
}
