package dev.pgevents.listener;

import static dev.pgevents.listener.ListenerPasses.runUntilCaughtUp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.EventStore;
import dev.pgevents.eventstore.JsonbEventSerializer;
import dev.pgevents.eventstore.NewEvent;
import dev.pgevents.eventstore.QueryItem;
import dev.pgevents.eventstore.jdbc.JdbcEventStore;
import dev.pgevents.listener.ListenerTestEvents.Counted;
import dev.pgevents.listener.ListenerTestEvents.Noise;
import dev.pgevents.testsupport.Appends;
import dev.pgevents.testsupport.TestTransactions;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** No event is ever stepped over, and each is handled exactly once, in position order. */
class GapFreeDeliveryTest {

    static ListenerFixture f;

    @BeforeAll
    static void setUp() {
        f = new ListenerFixture("listener_gapfree_test");
    }

    @AfterAll
    static void tearDown() {
        f.close();
    }

    private static EventStore storeOn(Connection c) {
        return new JdbcEventStore(TestTransactions.singleConnection(c), ListenerTestEvents.registry(),
                new JsonbEventSerializer());
    }

    @Test
    void writersCommittingOutOfOrderAreNeverSkipped() throws Exception {
        ListenerEngine engine = f.engine("node-a", s -> s);
        ListenerFixture.Recording listener = f.recording("race", EventQuery.tagged("counter:race"));
        engine.register(listener);
        Appends.unconditional(f.store, new Counted("race", 0)); // before the race: handled normally
        assertEquals(1, runUntilCaughtUp(engine, "race"));

        try (Connection t1 = f.raw.getConnection()) {
            t1.setAutoCommit(false);
            long p1 = Appends.unconditional(storeOn(t1), new Counted("race", 1)).get(0).position(); // T1: open
            long p2 = Appends.unconditional(f.store, new Counted("race", 2)).get(0).position();     // T2: committed
            assertTrue(p2 > p1);

            PassResult pass = engine.runPass("race"); // the listener runs while T1 is open
            assertEquals(PassResult.Kind.CAUGHT_UP, pass.kind());
            assertEquals(0, pass.handled(), "T2's event must wait: handling it would step over T1's");
            assertTrue(f.checkpoint("race") < p1, "checkpoint " + f.checkpoint("race") + " must stay below " + p1);

            t1.commit();
            assertEquals(2, runUntilCaughtUp(engine, "race"));
            List<Long> seen = listener.seen();
            assertEquals(List.of(seen.get(0), p1, p2), seen, "T1's event once, then T2's, in position order");
            assertEquals(0, runUntilCaughtUp(engine, "race"), "nothing is handled twice");
            assertEquals(p2, f.checkpoint("race"));
        }
    }

    @Test
    void checkpointAdvancesOverNonMatchingEventsToTheWatermark() {
        ListenerEngine engine = f.engine("node-a", s -> s.batchSize(3));
        ListenerFixture.Recording listener = f.recording("sparse", EventQuery.tagged("counter:sparse"));
        engine.register(listener);
        for (int i = 0; i < 10; i++) {
            Appends.unconditional(f.store, new Noise("n" + i));
        }
        long matching = Appends.unconditional(f.store, new Counted("sparse", 1)).get(0).position();
        for (int i = 0; i < 5; i++) {
            Appends.unconditional(f.store, new Noise("m" + i));
        }
        long safe = f.store.safePosition();
        assertEquals(1, runUntilCaughtUp(engine, "sparse"));
        assertEquals(List.of(matching), listener.seen());
        assertEquals(safe, f.checkpoint("sparse"), "a short batch moves the checkpoint to the watermark itself");
    }

    @Test
    void eightConcurrentWritersWhileTheListenerRuns() throws Exception {
        int writers = 8;
        int appendsPerWriter = 150;
        ListenerEngine engine = f.engine("node-a", s -> s.batchSize(50));
        ListenerFixture.Recording listener = f.recording("hammer",
                EventQuery.of(QueryItem.tags("hammer"), QueryItem.types(Noise.class)));
        engine.register(listener);
        long before = f.store.safePosition();
        ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
        AtomicBoolean writing = new AtomicBoolean(true);
        try {
            Future<Integer> runner = pool.submit(() -> {
                int handled = 0;
                while (writing.get()) {
                    handled += engine.runPass("hammer").handled();
                }
                return handled;
            });
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < appendsPerWriter; i++) {
                        int n = 1 + ThreadLocalRandom.current().nextInt(3);
                        List<NewEvent> events = new ArrayList<>();
                        for (int k = 0; k < n; k++) {
                            events.add(NewEvent.of(k % 2 == 0 ? new Counted("w" + writer, i) : new Noise("w" + writer)));
                        }
                        f.store.append(events);
                    }
                    return null;
                }));
            }
            for (Future<?> fu : futures) {
                fu.get(5, TimeUnit.MINUTES);
            }
            writing.set(false);
            assertTrue(runner.get(1, TimeUnit.MINUTES) > 0, "the listener handled events while the writers wrote");
        } finally {
            pool.shutdownNow();
        }
        runUntilCaughtUp(engine, "hammer");
        // the query matches every Noise event (Counted carries no "hammer" tag), those of other
        // tests of this class included: the listener starts at position 0
        List<Long> expected = f.positions(f.store.registry().typeName(Noise.class));
        assertTrue(expected.stream().filter(p -> p > before).count() >= writers * appendsPerWriter / 3);
        List<Long> seen = listener.seen();
        assertEquals(expected.size(), seen.size(), "every event exactly once");
        assertEquals(expected, seen, "in position order, none missing, none twice");
        assertEquals(seen.size(), LongStream.range(1, seen.size()).filter(i -> seen.get((int) i) > seen.get((int) i - 1)).count() + 1);
    }
}
