package dev.pgevents.listener.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.eventstore.AppendedEvent;
import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.EventsAppended;
import dev.pgevents.listener.PassResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Given committed appends, when they reach the wake-up bookkeeping, then each listener whose query
 * matches gets one pending timer however many appends arrive, and every wake-up is counted.
 */
class ListenerWakeUpsTest {

    /** The runtime's timers, recorded: what the EJB would schedule. */
    static final class Timers extends ListenerRuntime {
        final List<String> wakes = java.util.Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger notifies = new AtomicInteger();
        final List<Long> notifyDelays = java.util.Collections.synchronizedList(new ArrayList<>());
        volatile boolean failing;

        volatile boolean stopped;

        @Override
        public boolean scheduleWake(String id, long delayMillis) {
            if (failing) {
                throw new IllegalStateException("no timer service");
            }
            if (stopped) {
                return false;
            }
            wakes.add(id + "@" + delayMillis);
            return true;
        }

        @Override
        public boolean scheduleNotify(long delayMillis) {
            if (stopped) {
                return false;
            }
            notifies.incrementAndGet();
            notifyDelays.add(delayMillis);
            return true;
        }
    }

    final Timers timers = new Timers();
    final ListenerWakeUps wakeUps = new ListenerWakeUps();

    ListenerWakeUpsTest() {
        wakeUps.runtime = timers;
        wakeUps.register("courses", EventQuery.tagged("course:1"), Duration.ZERO);
        wakeUps.register("carts", EventQuery.ofTypes("CartCreated"), Duration.ZERO);
    }

    static EventsAppended appended(String type, String... tags) {
        return new EventsAppended(7, List.of(new AppendedEvent(7, UUID.randomUUID(), type, Set.of(tags), null, null, Instant.now())));
    }

    @Test
    void manyAppendsScheduleOneWakeUpPerMatchingListenerUntilItFires() {
        wakeUps.start(true, Duration.ZERO);
        for (int i = 0; i < 5; i++) {
            wakeUps.committed(appended("StudentSubscribed", "course:1", "student:" + i));
        }
        assertEquals(List.of("courses@0"), timers.wakes, "one timer for five appends, none for the listener they do not match");
        assertEquals(5, wakeUps.count("courses"));
        assertEquals(0, wakeUps.count("carts"));
        assertEquals(1, timers.notifies.get(), "one NOTIFY asked for");

        wakeUps.fired("courses");
        wakeUps.committed(appended("CartCreated", "cart:1"));
        wakeUps.committed(appended("StudentSubscribed", "course:1"));
        assertEquals(List.of("courses@0", "carts@0", "courses@0"), timers.wakes, "after the timer fired, the next append schedules again");

        assertTrue(wakeUps.takeNotify(), "the NOTIFY timer finds appends to announce");
        assertFalse(wakeUps.takeNotify(), "and none after it took them");
        wakeUps.committed(appended("CartCreated", "cart:2"));
        assertEquals(2, timers.notifies.get(), "the next append asks for the next NOTIFY");
    }

    @Test
    void aNotifyGoesAtOnceAfterAQuietSpellAndAtMostOncePerIntervalUnderLoad() {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        wakeUps.nanoTime = now::get;
        wakeUps.start(true, Duration.ofMillis(20));
        wakeUps.committed(appended("CartCreated", "cart:1"));
        assertEquals(List.of(0L), timers.notifyDelays, "the first NOTIFY at once");

        now.addAndGet(1_000_000); // its timer fires 1 ms later
        assertTrue(wakeUps.takeNotify());
        now.addAndGet(5_000_000); // appends 5 ms after that NOTIFY
        wakeUps.committed(appended("CartCreated", "cart:2"));
        wakeUps.committed(appended("CartCreated", "cart:3"));
        assertEquals(List.of(0L, 15L), timers.notifyDelays, "the next one when 20 ms have passed since the last, for both appends");

        now.addAndGet(15_000_000);
        assertTrue(wakeUps.takeNotify(), "the appends of the interval are announced");
        now.addAndGet(60_000_000); // quiet for 60 ms
        wakeUps.committed(appended("CartCreated", "cart:4"));
        assertEquals(List.of(0L, 15L, 0L), timers.notifyDelays, "after a quiet spell at once again");
    }

    @Test
    void anAppendedEventWithoutEventsWakesEveryListener() {
        wakeUps.start(false, Duration.ZERO);
        wakeUps.committed(new EventsAppended(3, List.of()));
        assertEquals(Set.of("courses@0", "carts@0"), Set.copyOf(timers.wakes));
        assertEquals(0, timers.notifies.get(), "NOTIFY is off");
    }

    @Test
    void nothingIsScheduledBeforeTheStartOrAfterTheStop() {
        wakeUps.committed(appended("CartCreated", "cart:1"));
        wakeUps.start(true, Duration.ZERO);
        wakeUps.stop();
        wakeUps.committed(appended("CartCreated", "cart:1"));
        assertEquals(List.of(), timers.wakes);
        assertEquals(0, timers.notifies.get());
        assertEquals(-1, wakeUps.count("unknown"), "a listener not on this node");
    }

    @Test
    void aDelayedWakeUpIsNotCountedAndATimerThatCouldNotBeCreatedIsTriedAgain() {
        wakeUps.start(false, Duration.ZERO);
        wakeUps.wake("carts", 250);
        assertEquals(List.of("carts@250"), timers.wakes);
        assertEquals(0, wakeUps.count("carts"), "a retry later is not a wake-up");

        timers.failing = true;
        assertThrows(IllegalStateException.class, () -> wakeUps.wake("courses", 0));
        timers.failing = false;
        wakeUps.wake("courses", 0);
        assertEquals(List.of("carts@250", "courses@0"), timers.wakes, "the failed timer left nothing pending");

        timers.stopped = true; // the runtime stopped first: no timer, nothing left pending
        wakeUps.fired("courses");
        wakeUps.wake("courses", 0);
        timers.stopped = false;
        wakeUps.wake("courses", 0);
        assertEquals(List.of("carts@250", "courses@0", "courses@0"), timers.wakes);
    }

    @Test
    void aTimerThatCannotBeCreatedForOneListenerLeavesTheOthersAndTheNotifyScheduled() {
        wakeUps.register("more courses", EventQuery.tagged("course:1"), Duration.ZERO);
        wakeUps.start(true, Duration.ZERO);
        timers.stopped = true;
        wakeUps.committed(appended("StudentSubscribed", "course:1"));
        assertEquals(0, timers.notifies.get());
        timers.stopped = false;
        wakeUps.committed(appended("StudentSubscribed", "course:1"));
        assertEquals(Set.of("courses@0", "more courses@0"), Set.copyOf(timers.wakes), "each listener scheduled once");
        assertEquals(1, timers.notifies.get(), "the NOTIFY that could not be scheduled did not stay pending");
    }

    @Test
    void aListenerWithAWakeDelayPassesThatLongAfterACommitButAtOnceWhenMoreIsWaiting() {
        wakeUps.register("catalog", EventQuery.tagged("course:1"), Duration.ofMillis(20));
        wakeUps.start(false, Duration.ZERO);
        wakeUps.committed(appended("StudentSubscribed", "course:1"));
        assertTrue(timers.wakes.contains("catalog@20"), "a commit wakes it after its delay: " + timers.wakes);
        assertTrue(timers.wakes.contains("courses@0"), "a listener without one at once: " + timers.wakes);
        assertEquals(1, wakeUps.count("catalog"), "the delayed wake-up is counted");

        wakeUps.fired("catalog");
        long seen = wakeUps.count("catalog");
        wakeUps.committed(appended("StudentSubscribed", "course:1")); // a commit while the pass ran: its timer
        wakeUps.fired("catalog"); // fired while the pass still ran (that pass was BUSY)
        int before = timers.wakes.size();
        wakeUps.passEnded("catalog", seen, new PassResult(PassResult.Kind.CAUGHT_UP, 3, Duration.ZERO));
        assertEquals(before + 1, timers.wakes.size(), "the pass that may have read before that commit runs again");
        assertEquals("catalog@20", timers.wakes.get(before), "after the delay too");

        wakeUps.fired("catalog");
        wakeUps.passEnded("catalog", wakeUps.count("catalog"), new PassResult(PassResult.Kind.MORE, 500, Duration.ZERO));
        assertEquals("catalog@0", timers.wakes.get(timers.wakes.size() - 1), "a pass out of time with more waiting: the next at once");
    }

    @Test
    void aPassThatWasWokenWhileItRanRunsAgainAndOneThatWasNotDoesNot() {
        wakeUps.start(false, Duration.ZERO);
        wakeUps.wake("courses", 0);
        wakeUps.fired("courses");
        long seen = wakeUps.count("courses");

        wakeUps.passEnded("courses", seen, new PassResult(PassResult.Kind.CAUGHT_UP, 3, Duration.ZERO));
        assertEquals(List.of("courses@0"), timers.wakes, "caught up, not woken meanwhile: no other pass");

        wakeUps.committed(appended("StudentSubscribed", "course:1")); // a commit while the pass ran
        wakeUps.fired("courses");
        wakeUps.passEnded("courses", seen, new PassResult(PassResult.Kind.CAUGHT_UP, 3, Duration.ZERO));
        assertEquals(List.of("courses@0", "courses@0", "courses@0"), timers.wakes, "it may have read before that commit: again");

        wakeUps.fired("courses");
        wakeUps.passEnded("courses", wakeUps.count("courses"), new PassResult(PassResult.Kind.BUSY, 0, Duration.ZERO));
        wakeUps.passEnded("courses", wakeUps.count("courses"), new PassResult(PassResult.Kind.NOT_OWNER, 0, Duration.ZERO));
        assertEquals(3, timers.wakes.size(), "a busy pass leaves it to the running one; another node's listener is not run here");

        wakeUps.passEnded("courses", wakeUps.count("courses"), new PassResult(PassResult.Kind.MORE, 500, Duration.ZERO));
        wakeUps.fired("courses");
        wakeUps.passEnded("courses", wakeUps.count("courses"), new PassResult(PassResult.Kind.RETRY_LATER, 0, Duration.ofMillis(800)));
        assertEquals(List.of("courses@0", "courses@0", "courses@0", "courses@0", "courses@800"), timers.wakes);
    }

    @Test
    void concurrentAppendsScheduleExactlyOneTimerPerRoundAndCountEveryWakeUp() throws Exception {
        wakeUps.start(true, Duration.ZERO);
        int threads = 8;
        int appendsEach = 2_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> appenders = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                appenders.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < appendsEach; i++) {
                        wakeUps.committed(appended("StudentSubscribed", "course:1"));
                    }
                    return null;
                }));
            }
            // the timer side: fires whenever a wake-up is pending, as the EJB timer would
            AtomicInteger fired = new AtomicInteger();
            AtomicInteger mostPending = new AtomicInteger();
            java.util.concurrent.atomic.AtomicLong countAtLastFiring = new java.util.concurrent.atomic.AtomicLong();
            Future<?> timerThread = pool.submit(() -> {
                go.await();
                while (!appenders.stream().allMatch(Future::isDone)) {
                    mostPending.accumulateAndGet(timers.wakes.size() - fired.get(), Math::max);
                    if (timers.wakes.size() > fired.get()) {
                        fired.incrementAndGet();
                        wakeUps.fired("courses");
                        countAtLastFiring.set(wakeUps.count("courses"));
                    }
                    Thread.onSpinWait();
                }
                return null;
            });
            go.countDown();
            for (Future<?> f : appenders) {
                f.get();
            }
            timerThread.get();
            assertEquals(threads * appendsEach, wakeUps.count("courses"), "every wake-up counted");
            assertTrue(mostPending.get() <= 1, "never two timers pending at once (" + timers.wakes.size() + " timers, "
                    + fired.get() + " fired)");
            assertTrue(timers.wakes.size() <= fired.get() + 1, timers.wakes.size() + " timers for " + fired.get() + " firings");
            if (countAtLastFiring.get() < threads * appendsEach) {
                // appends came after the last firing: one of them left a timer pending (none lost)
                assertEquals(fired.get() + 1, timers.wakes.size(), "a timer pending for the appends after the last firing");
            }
            assertEquals(1, timers.notifies.get(), "one NOTIFY until its timer takes it");
        } finally {
            pool.shutdownNow();
        }
    }
}
