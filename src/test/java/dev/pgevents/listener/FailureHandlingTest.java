package dev.pgevents.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.listener.ListenerTestEvents.Counted;
import dev.pgevents.listener.ListenerTestEvents.Poison;
import dev.pgevents.testsupport.Appends;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Retries with exponential backoff, dead letters (parked events), the STOP policy, retry and skip. */
class FailureHandlingTest {

    static ListenerFixture f;

    @BeforeAll
    static void setUp() {
        f = new ListenerFixture("listener_failure_test");
    }

    @AfterAll
    static void tearDown() {
        f.close();
    }

    /** Runs passes until the predicate holds (deadline 20 s); returns the last pass. */
    static PassResult runUntil(ListenerEngine engine, String id, Predicate<PassResult> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            PassResult p = engine.runPass(id);
            if (done.test(p)) {
                return p;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("listener " + id + " did not get there; last pass " + p + ", " + new ListenerAdmin(engine).info(id));
            }
            Thread.onSpinWait();
        }
    }

    private static boolean isPoison(dev.pgevents.eventstore.RecordedEvent e) {
        return e.event() instanceof Poison;
    }

    @Test
    void aFailingEventIsRetriedWithBackoffAndTheBatchRollsBack() {
        ListenerEngine engine = f.engine("node-a", s -> s.retry(5, Duration.ofMillis(300), Duration.ofSeconds(10), 2.0,
                FailurePolicy.PARK));
        ListenerAdmin admin = new ListenerAdmin(engine);
        ListenerFixture.Recording listener = f.recording("retry", EventQuery.tagged("counter:retry"));
        engine.register(listener);
        AtomicInteger failures = new AtomicInteger();
        listener.failWhen = e -> isPoison(e) && failures.incrementAndGet() <= 2;
        long a = Appends.unconditional(f.store, new Counted("retry", 1)).get(0).position();
        long x = Appends.unconditional(f.store, new Poison("retry")).get(0).position();
        long b = Appends.unconditional(f.store, new Counted("retry", 2)).get(0).position();

        PassResult first = engine.runPass("retry");
        // the batch [a, x, b] failed at x: a was handled again in a batch of its own, x failed alone
        assertEquals(PassResult.Kind.RETRY_LATER, first.kind());
        assertEquals(Duration.ofMillis(600), first.delay(), "second failure of x: min * multiplier");
        assertEquals(2, failures.get());
        assertEquals(List.of(a), listener.seen(), "the failed batches rolled back: x's row is not there");
        ListenerInfo info = admin.info("retry");
        assertEquals(x, info.errorPosition());
        assertEquals(2, info.attempts());
        assertTrue(info.lastError().contains("handler refuses event " + x), info.lastError());
        assertEquals(a, f.checkpoint("retry"));

        PassResult early = engine.runPass("retry");
        assertEquals(PassResult.Kind.RETRY_LATER, early.kind(), "not before the backoff has passed");
        assertEquals(2, failures.get());
        assertTrue(early.delay().toMillis() > 0 && early.delay().toMillis() <= 600, early.toString());

        runUntil(engine, "retry", p -> p.kind() == PassResult.Kind.CAUGHT_UP);
        assertEquals(List.of(a, x, b), listener.seen());
        assertNull(admin.info("retry").errorPosition());
        assertEquals(0, admin.info("retry").attempts());
        assertTrue(admin.parked("retry").isEmpty());
    }

    @Test
    void afterTheLastAttemptTheEventIsParkedAndTheListenerGoesOn() {
        ListenerEngine engine = f.engine("node-a", s -> s.retry(3, Duration.ofMillis(1), Duration.ofMillis(5), 2.0,
                FailurePolicy.PARK));
        ListenerAdmin admin = new ListenerAdmin(engine);
        ListenerFixture.Recording listener = f.recording("park", EventQuery.tagged("counter:park"));
        engine.register(listener);
        listener.failWhen = FailureHandlingTest::isPoison;
        long c1 = Appends.unconditional(f.store, new Counted("park", 1)).get(0).position();
        long poison = Appends.unconditional(f.store, new Poison("park")).get(0).position();
        long c2 = Appends.unconditional(f.store, new Counted("park", 2)).get(0).position();

        runUntil(engine, "park", p -> p.kind() == PassResult.Kind.CAUGHT_UP);
        assertEquals(List.of(c1, c2), listener.seen());
        List<ParkedEvent> parked = admin.parked("park");
        assertEquals(1, parked.size());
        assertEquals(poison, parked.get(0).position());
        assertEquals(3, parked.get(0).attempts());
        assertTrue(parked.get(0).error().contains("handler refuses event " + poison));
        assertEquals(ListenerStatus.RUNNING, admin.info("park").status());
        assertEquals(1, admin.info("park").parked());

        // retry while it still fails: it stays parked
        assertThrows(ListenerStateException.class, () -> admin.retryParked("park", poison));
        assertEquals(4, admin.parked("park").get(0).attempts());
        assertEquals(List.of(c1, c2), listener.seen());
        // fixed: the retry handles it now and removes it
        listener.failWhen = e -> false;
        admin.retryParked("park", poison);
        assertEquals(List.of(c1, c2, poison), listener.seen());
        assertTrue(admin.parked("park").isEmpty());
        assertThrows(ListenerNotFoundException.class, () -> admin.retryParked("park", poison));

        // skip: a second poison is parked, then skipped for good
        listener.failWhen = FailureHandlingTest::isPoison;
        long poison2 = Appends.unconditional(f.store, new Poison("park")).get(0).position();
        runUntil(engine, "park", p -> p.kind() == PassResult.Kind.CAUGHT_UP);
        assertEquals(List.of(poison2), admin.parked("park").stream().map(ParkedEvent::position).toList());
        admin.skipParked("park", poison2);
        assertTrue(admin.parked("park").isEmpty());
        assertEquals(List.of(c1, c2, poison), listener.seen());
    }

    @Test
    void theStopPolicyStopsTheListenerUntilTheEventIsSkippedOrRetried() {
        ListenerEngine engine = f.engine("node-a", s -> s.retry(2, Duration.ofMillis(1), Duration.ofMillis(2), 2.0,
                FailurePolicy.STOP));
        ListenerAdmin admin = new ListenerAdmin(engine);
        ListenerFixture.Recording listener = f.recording("stop", EventQuery.tagged("counter:stop"));
        engine.register(listener);
        listener.failWhen = FailureHandlingTest::isPoison;
        long c1 = Appends.unconditional(f.store, new Counted("stop", 1)).get(0).position();
        long poison = Appends.unconditional(f.store, new Poison("stop")).get(0).position();
        long c2 = Appends.unconditional(f.store, new Counted("stop", 2)).get(0).position();

        runUntil(engine, "stop", p -> p.kind() == PassResult.Kind.STOPPED);
        ListenerInfo info = admin.info("stop");
        assertEquals(ListenerStatus.FAILED, info.status());
        assertEquals(poison, info.errorPosition());
        assertTrue(info.position() < poison);
        assertEquals(List.of(c1), listener.seen());
        assertEquals(PassResult.Kind.STOPPED, engine.runPass("stop").kind(), "stays stopped");

        // retry on a stopped listener: it runs again and gets the event in order
        admin.retryParked("stop", poison);
        runUntil(engine, "stop", p -> p.kind() == PassResult.Kind.STOPPED);
        assertEquals(List.of(c1), listener.seen(), "failed again, stopped again");
        admin.skipParked("stop", poison);
        assertEquals(ListenerStatus.RUNNING, admin.info("stop").status());
        runUntil(engine, "stop", p -> p.kind() == PassResult.Kind.CAUGHT_UP);
        assertEquals(List.of(c1, c2), listener.seen());
    }

    @Test
    void aStoppedListenerResumedAfterTheFixHandlesTheEventAndLeavesNoDeadLetter() {
        ListenerEngine engine = f.engine("node-a", s -> s.retry(2, Duration.ofMillis(1), Duration.ofMillis(2), 2.0,
                FailurePolicy.STOP));
        ListenerAdmin admin = new ListenerAdmin(engine);
        ListenerFixture.Recording listener = f.recording("resume", EventQuery.tagged("counter:resume"));
        engine.register(listener);
        listener.failWhen = FailureHandlingTest::isPoison;
        long poison = Appends.unconditional(f.store, new Poison("resume")).get(0).position();
        long after = Appends.unconditional(f.store, new Counted("resume", 1)).get(0).position();

        runUntil(engine, "resume", p -> p.kind() == PassResult.Kind.STOPPED);
        assertEquals(1, admin.parked("resume").size());

        listener.failWhen = e -> false; // the handler was fixed
        admin.resume("resume");
        runUntil(engine, "resume", p -> p.kind() == PassResult.Kind.CAUGHT_UP);
        assertEquals(List.of(poison, after), listener.seen(), "the event is handled in order after the resume");
        assertEquals(List.of(), admin.parked("resume"), "and is no dead letter any more");
        assertEquals(ListenerStatus.RUNNING, admin.info("resume").status());
    }

    @Test
    void backoffGrowsByTheMultiplierUpToTheMaximum() {
        ListenerSettings s = new ListenerSettingsBuilder().retry(10, Duration.ofMillis(100), Duration.ofSeconds(1), 3.0,
                FailurePolicy.PARK).build();
        assertEquals(Duration.ofMillis(100), s.backoff(1));
        assertEquals(Duration.ofMillis(300), s.backoff(2));
        assertEquals(Duration.ofMillis(900), s.backoff(3));
        assertEquals(Duration.ofSeconds(1), s.backoff(4));
        assertEquals(Duration.ofSeconds(1), s.backoff(9));
    }
}
