package dev.pgevents.listener;

import static dev.pgevents.listener.ListenerPasses.runUntilCaughtUp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.listener.ListenerTestEvents.Counted;
import dev.pgevents.testsupport.Appends;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two engines (two nodes) on one database: one runs a listener at a time; failover is bounded. */
class LeaseTest {

    static ListenerFixture f;

    @BeforeAll
    static void setUp() {
        f = new ListenerFixture("listener_lease_test");
    }

    @AfterAll
    static void tearDown() {
        f.close();
    }

    @Test
    void oneNodeRunsTheListenerAndAnotherTakesOverWhenItDies() {
        Duration lease = Duration.ofSeconds(1);
        ListenerEngine a = f.engine("node-a", s -> s.leaseDuration(lease));
        ListenerEngine b = f.engine("node-b", s -> s.leaseDuration(lease));
        ListenerFixture.Recording onA = f.recording("shared", EventQuery.tagged("counter:lease"));
        ListenerFixture.Recording onB = f.recording("shared", EventQuery.tagged("counter:lease"));
        a.register(onA);
        b.register(onB);
        for (int i = 0; i < 10; i++) {
            Appends.unconditional(f.store, new Counted("lease", i));
        }
        assertEquals(10, runUntilCaughtUp(a, "shared"));
        assertEquals(PassResult.Kind.NOT_OWNER, b.runPass("shared").kind());
        assertEquals("node-a", new ListenerAdmin(a).info("shared").leaseOwner());

        // node a dies (no more passes, no release); events keep coming
        long died = System.nanoTime();
        for (int i = 10; i < 15; i++) {
            Appends.unconditional(f.store, new Counted("lease", i));
        }
        long deadline = died + Duration.ofSeconds(10).toNanos();
        PassResult p;
        do {
            p = b.runPass("shared");
            assertTrue(System.nanoTime() < deadline, "node b did not take over within 10 s");
            Thread.onSpinWait();
        } while (p.kind() == PassResult.Kind.NOT_OWNER);
        long tookMs = (System.nanoTime() - died) / 1_000_000;
        assertTrue(tookMs <= lease.toMillis() + 1000, "took over after " + tookMs + " ms");
        runUntilCaughtUp(b, "shared");
        assertEquals("node-b", new ListenerAdmin(b).info("shared").leaseOwner());
        List<Long> seen = onA.seen(); // one table: both nodes' handled events
        assertEquals(15, seen.size(), "each event once: " + seen);
        assertEquals(seen.stream().sorted().distinct().toList(), seen);

        // node a comes back: b holds a valid lease, so a stays out
        assertEquals(PassResult.Kind.NOT_OWNER, a.runPass("shared").kind());
        // graceful shutdown of b: a takes over at once
        b.releaseLeases();
        Appends.unconditional(f.store, new Counted("lease", 15));
        assertEquals(1, runUntilCaughtUp(a, "shared"));
    }

    @Test
    void twoNodesPollingAtOnceHandleEveryEventExactlyOnce() throws Exception {
        Duration lease = Duration.ofMillis(300);
        ListenerEngine a = f.engine("node-a", s -> s.leaseDuration(lease).batchSize(7));
        ListenerEngine b = f.engine("node-b", s -> s.leaseDuration(lease).batchSize(7));
        ListenerFixture.Recording onA = f.recording("contended", EventQuery.tagged("counter:contended"));
        a.register(onA);
        b.register(f.recording("contended", EventQuery.tagged("counter:contended")));
        ExecutorService pool = Executors.newFixedThreadPool(3);
        AtomicBoolean writing = new AtomicBoolean(true);
        try {
            List<Future<Integer>> nodes = new ArrayList<>();
            for (ListenerEngine e : List.of(a, b)) {
                nodes.add(pool.submit(() -> {
                    int handled = 0;
                    int round = 0;
                    while (writing.get()) {
                        handled += e.runPass("contended").handled();
                        if (++round % 50 == 0) {
                            e.releaseLeases(); // hand over now and then
                        }
                    }
                    return handled;
                }));
            }
            pool.submit(() -> {
                for (int i = 0; i < 400; i++) {
                    Appends.unconditional(f.store, new Counted("contended", i));
                }
                return null;
            }).get(2, TimeUnit.MINUTES);
            writing.set(false);
            for (Future<Integer> n : nodes) {
                n.get(1, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        a.releaseLeases();
        b.releaseLeases();
        runUntilCaughtUp(a, "contended");
        List<Long> seen = onA.seen();
        assertEquals(400, seen.size());
        assertEquals(seen.stream().sorted().distinct().toList(), seen, "exactly once, in position order");
    }
}
