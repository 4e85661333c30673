package dev.pgevents.subscription;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.eventstore.Event;
import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.EventStore;
import dev.pgevents.eventstore.EventTypeRegistry;
import dev.pgevents.eventstore.JsonbEventSerializer;
import dev.pgevents.eventstore.StoredEvent;
import dev.pgevents.eventstore.Tag;
import dev.pgevents.eventstore.jdbc.JdbcEventStore;
import dev.pgevents.testsupport.Appends;
import dev.pgevents.testsupport.EventStoreFixture;
import dev.pgevents.testsupport.TestTransactions;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine on real PostgreSQL: catch-up then the shared live tail, never stepping over a writer
 * that commits late, each event once in order, and a full buffer holding back only its subscriber.
 */
class SubscriptionEngineTest {

    sealed interface TestEvent extends Event {
        record Ping(@Tag("stream") String stream, int n) implements TestEvent {
        }
    }

    static final EventTypeRegistry REGISTRY = EventTypeRegistry.of(TestEvent.class);
    static DataSource db;
    static EventStore store;

    @BeforeAll
    static void setUp() {
        db = EventStoreFixture.migrated("subscription_engine_test");
        store = new JdbcEventStore(db, REGISTRY, new JsonbEventSerializer());
    }

    /** A sink recording positions, taking at most {@code capacity} events until drained. */
    static final class Recording implements SubscriptionEngine.Sink {
        final List<Long> positions = new ArrayList<>();
        int capacity = Integer.MAX_VALUE;
        int buffered;

        @Override
        public int room() {
            return capacity - buffered;
        }

        @Override
        public boolean deliver(StoredEvent event) {
            positions.add(event.position());
            buffered++;
            return true;
        }

        @Override
        public boolean isOpen() {
            return true;
        }
    }

    static EventQuery stream(String name) {
        return EventQuery.tagged("stream:" + name);
    }

    static void pollUntilIdle(SubscriptionEngine engine) {
        for (int i = 0; i < 10_000 && engine.poll(); i++) {
            // more was waiting
        }
    }

    static List<Long> stored(String name) {
        try (var s = store.readRaw(stream(name), dev.pgevents.eventstore.ReadOptions.defaults().uncapped())) {
            return s.stream().map(StoredEvent::position).toList();
        }
    }

    @Test
    void aWriterCommittingLateIsWaitedForNotSteppedOver() throws Exception {
        SubscriptionEngine engine = new SubscriptionEngine(store, 3);
        Recording live = new Recording();
        for (int i = 0; i < 7; i++) {
            Appends.unconditional(store, new TestEvent.Ping("late", i));
        }
        engine.subscribe(stream("late"), 0, live);
        pollUntilIdle(engine);
        assertEquals(stored("late"), live.positions, "caught up in pages of 3");

        try (Connection t1 = db.getConnection()) {
            t1.setAutoCommit(false);
            EventStore onT1 = new JdbcEventStore(TestTransactions.singleConnection(t1), REGISTRY, new JsonbEventSerializer());
            long p1 = Appends.unconditional(onT1, new TestEvent.Ping("late", 100)).get(0).position();   // open
            long p2 = Appends.unconditional(store, new TestEvent.Ping("late", 101)).get(0).position();  // committed
            assertTrue(p2 > p1);
            pollUntilIdle(engine);
            assertFalse(live.positions.contains(p2), "T2's event waits while T1 is in flight");
            t1.commit();
            pollUntilIdle(engine);
            assertEquals(stored("late"), live.positions, "T1's event, then T2's, each once");
        }
    }

    @Test
    void concurrentWritersAndSubscribersFromEveryStartEachGetEveryEventOnceInOrder() throws Exception {
        for (int i = 0; i < 20; i++) {
            Appends.unconditional(store, new TestEvent.Ping("busy", i), new TestEvent.Ping("other", i));
        }
        SubscriptionEngine engine = new SubscriptionEngine(store, 7);
        List<Recording> subscribers = new ArrayList<>();
        for (long after : new long[] {0, 5, 20, 35}) {
            Recording r = new Recording();
            engine.subscribe(stream("busy"), after, r);
            subscribers.add(r);
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService writers = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                done.add(writers.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        Event[] batch = new Event[1 + ThreadLocalRandom.current().nextInt(3)];
                        for (int k = 0; k < batch.length; k++) {
                            batch[k] = new TestEvent.Ping(k % 2 == 0 ? "busy" : "other", i);
                        }
                        Appends.unconditional(store, batch);
                    }
                    return null;
                }));
            }
            ExecutorService polling = Executors.newSingleThreadExecutor();
            Future<?> poller = polling.submit(() -> {
                while (writing.get()) {
                    if (!engine.poll()) {
                        Thread.sleep(1); // pacing, as the wake-ups would: the writers get the CPU
                    }
                }
                return null;
            });
            polling.shutdown();
            for (Future<?> f : done) {
                f.get();
            }
            writing.set(false);
            poller.get();
        } finally {
            writers.shutdownNow();
        }
        pollUntilIdle(engine);
        List<Long> all = stored("busy");
        for (int i = 0; i < subscribers.size(); i++) {
            long after = new long[] {0, 5, 20, 35}[i];
            assertEquals(all.stream().filter(p -> p > after).toList(), subscribers.get(i).positions, "subscriber after " + after);
        }
    }

    @Test
    void aFullBufferHoldsBackItsSubscriberOnlyDuringTheCatchUp() {
        for (int i = 0; i < 10; i++) {
            Appends.unconditional(store, new TestEvent.Ping("full", i));
        }
        SubscriptionEngine engine = new SubscriptionEngine(store, 100);
        Recording slow = new Recording();
        slow.capacity = 4;
        Recording fast = new Recording();
        engine.subscribe(stream("full"), 0, slow);
        engine.subscribe(stream("full"), 0, fast);
        pollUntilIdle(engine);
        List<Long> all = stored("full");
        assertEquals(all, fast.positions);
        assertEquals(all.subList(0, 4), slow.positions, "only what its buffer had room for");
        slow.buffered = 0; // drained
        pollUntilIdle(engine);
        assertEquals(all.subList(0, 8), slow.positions);
        slow.capacity = Integer.MAX_VALUE;
        pollUntilIdle(engine);
        assertEquals(all, slow.positions, "then the rest, in order");
    }
}
