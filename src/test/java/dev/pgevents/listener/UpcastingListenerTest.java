package dev.pgevents.listener;

import static dev.pgevents.eventstore.VersionedEvents.seatBookedV1;
import static dev.pgevents.eventstore.VersionedEvents.seatBookedV2;
import static dev.pgevents.listener.ListenerPasses.runUntilCaughtUp;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.JsonbEventSerializer;
import dev.pgevents.eventstore.QueryItem;
import dev.pgevents.eventstore.RecordedEvent;
import dev.pgevents.eventstore.VersionedEvents;
import dev.pgevents.eventstore.VersionedEvents.SeatReserved;
import dev.pgevents.eventstore.jdbc.JdbcEventStore;
import dev.pgevents.testsupport.Appends;
import dev.pgevents.testsupport.EventStoreFixture;
import dev.pgevents.testsupport.PooledDataSource;
import dev.pgevents.testsupport.TestTransactions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A listener pass and a rebuild (reset to 0) hand old stored versions and names to the handler as current records. */
class UpcastingListenerTest {

    static DataSource plain;
    static PooledDataSource pool;
    static TestTransactions tx;
    static JdbcEventStore store;

    @BeforeAll
    static void setUp() {
        plain = EventStoreFixture.migrated("listener_upcasting_test");
        pool = new PooledDataSource(plain, 8);
        tx = new TestTransactions(pool);
        store = new JdbcEventStore(tx.dataSource(), VersionedEvents.registry(), new JsonbEventSerializer());
    }

    @AfterAll
    static void tearDown() {
        pool.close();
    }

    /** A read model in memory: the events handled since the last reset. */
    static final class Reservations implements EventListener {
        final List<RecordedEvent> handled = new CopyOnWriteArrayList<>();

        @Override
        public String id() {
            return "reservations";
        }

        @Override
        public EventQuery query() {
            return EventQuery.of(QueryItem.types(SeatReserved.class));
        }

        @Override
        public void handle(RecordedEvent event) {
            handled.add(event);
        }

        @Override
        public void reset(long position) {
            handled.removeIf(e -> e.position() > position);
        }
    }

    @Test
    void aPassAndARebuildSeeEveryVersionAsTheCurrentRecord() {
        VersionedEvents.store(plain, "SeatBooked", 1, seatBookedV1("c1", "ada"), "course:c1", "student:ada");
        VersionedEvents.store(plain, "SeatBooked", 2, seatBookedV2("c1", "bob", 2), "course:c1", "student:bob");
        Appends.unconditional(store, new SeatReserved("c1", "cy", 3));
        List<SeatReserved> expected = List.of(new SeatReserved("c1", "ada", 1), new SeatReserved("c1", "bob", 2),
                new SeatReserved("c1", "cy", 3));

        ListenerEngine engine = new ListenerEngine("node-a", tx, tx.dataSource(), store, store.codec()::decode,
                id -> new ListenerSettingsBuilder().batchSize(2).build(), ListenerObserver.NONE);
        Reservations listener = new Reservations();
        engine.register(listener);
        assertEquals(3, runUntilCaughtUp(engine, listener.id()));
        assertEquals(expected, listener.handled.stream().map(RecordedEvent::event).toList());
        assertEquals(List.of("SeatReserved", "SeatReserved", "SeatReserved"),
                listener.handled.stream().map(RecordedEvent::type).toList());

        new ListenerAdmin(engine).reset(listener.id(), 0);
        assertEquals(List.of(), listener.handled);
        assertEquals(3, runUntilCaughtUp(engine, listener.id()));
        assertEquals(expected, listener.handled.stream().map(RecordedEvent::event).toList(), "the rebuild upcasts again");
    }
}
