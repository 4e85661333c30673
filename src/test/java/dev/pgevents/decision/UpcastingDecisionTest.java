package dev.pgevents.decision;

import static dev.pgevents.eventstore.VersionedEvents.seatBookedV1;
import static dev.pgevents.eventstore.VersionedEvents.seatBookedV2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.eventstore.Event;
import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.JsonbEventSerializer;
import dev.pgevents.eventstore.QueryItem;
import dev.pgevents.eventstore.RecordedEvent;
import dev.pgevents.eventstore.UndecodableEventException;
import dev.pgevents.eventstore.VersionedEvents;
import dev.pgevents.eventstore.VersionedEvents.SeatReserved;
import dev.pgevents.eventstore.jdbc.JdbcEventStore;
import dev.pgevents.testsupport.EventStoreFixture;
import dev.pgevents.testsupport.PooledDataSource;
import dev.pgevents.testsupport.TestTransactions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A decision's state folds events stored by older releases (old versions, the old type name) as current records. */
class UpcastingDecisionTest {

    static final int CAPACITY = 4;

    /** Seats taken on a course: its query names the current type, the old name is found too. */
    record Seats(String course, List<String> students, int taken) implements State<Seats> {
        @Override
        public EventQuery query() {
            return EventQuery.of(QueryItem.types(SeatReserved.class).tagged("course:" + course));
        }

        @Override
        public Seats evolve(RecordedEvent e) {
            SeatReserved r = (SeatReserved) e.event(); // a ClassCastException if an old record leaked through
            List<String> all = new java.util.ArrayList<>(students);
            all.add(r.student());
            return new Seats(course, List.copyOf(all), taken + r.seats());
        }
    }

    record Reserve(String course, String student, int seats) implements Decision {
        @Override
        public List<State<?>> initialStates() {
            return List.of(new Seats(course, List.of(), 0));
        }

        @Override
        public List<? extends Event> process(States states) {
            Seats s = states.get(Seats.class);
            if (s.taken() + seats > CAPACITY) {
                throw new DecisionRejected("course-full", s.taken() + " of " + CAPACITY + " seats taken by " + s.students());
            }
            return List.of(new SeatReserved(course, student, seats));
        }
    }

    static DataSource plain;
    static PooledDataSource pool;
    static DecisionMaker maker;

    @BeforeAll
    static void setUp() {
        plain = EventStoreFixture.migrated("dm_upcasting_test");
        pool = new PooledDataSource(plain, 4);
        TestTransactions tx = new TestTransactions(pool);
        maker = new DecisionMaker(new JdbcEventStore(tx.dataSource(), VersionedEvents.registry(), new JsonbEventSerializer()),
                tx, new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5)));
    }

    @AfterAll
    static void tearDown() {
        pool.close();
    }

    @Test
    void theStateCountsSeatsOfEveryStoredVersion() {
        String c = UUID.randomUUID().toString().substring(0, 8);
        VersionedEvents.store(plain, "SeatBooked", 1, seatBookedV1(c, "ada"), "course:" + c, "student:ada");
        VersionedEvents.store(plain, "SeatBooked", 2, seatBookedV2(c, "bob", 2), "course:" + c, "student:bob");

        DecisionResult r = maker.make(new Reserve(c, "cy", 1));
        assertEquals(1, r.events().size());
        DecisionRejected full = assertThrows(DecisionRejected.class, () -> maker.make(new Reserve(c, "dan", 1)));
        assertEquals("4 of 4 seats taken by [ada, bob, cy]", full.getMessage());
    }

    @Test
    void aVersionTheApplicationDoesNotKnowStopsTheDecision() {
        String c = UUID.randomUUID().toString().substring(0, 8);
        VersionedEvents.store(plain, "SeatReserved", 9, "{}", "course:" + c);
        Exception e = assertThrows(Exception.class, () -> maker.make(new Reserve(c, "ada", 1)));
        Throwable cause = e;
        while (cause != null && !(cause instanceof UndecodableEventException)) {
            cause = cause.getCause();
        }
        assertTrue(cause != null && cause.getMessage().contains("has version 9, which this application cannot decode"),
                String.valueOf(e));
    }
}
