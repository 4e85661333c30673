package dev.pgevents.inbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.decision.Decision;
import dev.pgevents.decision.DecisionMaker;
import dev.pgevents.decision.DecisionRejected;
import dev.pgevents.decision.RetryPolicy;
import dev.pgevents.decision.State;
import dev.pgevents.decision.States;
import dev.pgevents.eventstore.Event;
import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.EventTypeRegistry;
import dev.pgevents.eventstore.JsonbEventSerializer;
import dev.pgevents.eventstore.RecordedEvent;
import dev.pgevents.eventstore.Tag;
import dev.pgevents.eventstore.jdbc.JdbcEventStore;
import dev.pgevents.inbound.InboundEngine.Outcome;
import dev.pgevents.testsupport.EventStoreFixture;
import dev.pgevents.testsupport.PooledDataSource;
import dev.pgevents.testsupport.Sql;
import dev.pgevents.testsupport.TestTransactions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The inbound engine's outcomes for decisions, against PostgreSQL: applied once, a redelivery is a
 * duplicate, a rejection is parked with its reason (with and without the decision state cache).
 */
class InboundEngineTest {

    public record Reserved(@Tag("sku") String sku, int quantity) implements Event {
    }

    /** Up to 5 per sku: the sixth is rejected. */
    record Reserve(String sku, int quantity) implements Decision {
        @Override
        public List<State<?>> initialStates() {
            return List.of(new Stock(sku, 0));
        }

        @Override
        public List<? extends Event> process(States states) {
            if (states.get(Stock.class).reserved() + quantity > 5) {
                throw new DecisionRejected("out-of-stock");
            }
            return List.of(new Reserved(sku, quantity));
        }
    }

    record Stock(String sku, int reserved) implements State<Stock> {
        @Override
        public EventQuery query() {
            return EventQuery.tagged("sku:" + sku);
        }

        @Override
        public Stock evolve(RecordedEvent e) {
            return new Stock(sku, reserved + ((Reserved) e.event()).quantity());
        }
    }

    /** Messages are "sku:quantity". */
    static final Translator RESERVATIONS = new Translator() {
        @Override
        public String name() {
            return "reservations";
        }

        @Override
        public java.util.Set<String> topics() {
            return java.util.Set.of("reservations");
        }

        @Override
        public InboundCommand translate(InboundMessage message) {
            String[] parts = message.text().split(":");
            return InboundCommand.decide(new Reserve(parts[0], Integer.parseInt(parts[1])));
        }
    };

    static DataSource plain;
    static PooledDataSource pool;
    static TestTransactions tx;
    static JdbcEventStore store;
    static long nextOffset;

    @BeforeAll
    static void setUp() {
        plain = EventStoreFixture.migrated("inbound_engine_test");
        pool = new PooledDataSource(plain, 8);
        tx = new TestTransactions(pool);
        store = new JdbcEventStore(tx.dataSource(), EventTypeRegistry.of(Reserved.class), new JsonbEventSerializer());
    }

    @AfterAll
    static void tearDown() {
        pool.close();
    }

    static InboundEngine engine(int stateCache) {
        return new InboundEngine(tx.dataSource(), tx, store, transactions -> {
            DecisionMaker maker = new DecisionMaker(store, transactions, new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5)));
            return stateCache > 0 ? maker.cachingStates(stateCache) : maker;
        });
    }

    static InboundMessage message(String value) {
        return new InboundMessage("reservations", 0, nextOffset++, "k", value.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static long reserved(String sku) {
        return Sql.queryLong(plain, "SELECT count(*) FROM es_event WHERE tags @> ARRAY[?]::text[]", "sku:" + sku);
    }

    @Test
    void appliedOnceADuplicateOnRedeliveryAndARejectionParkedWithItsReason() {
        for (int cache : new int[] {0, 100}) {
            InboundEngine engine = engine(cache);
            String sku = UUID.randomUUID().toString().substring(0, 8);
            InboundMessage four = message(sku + ":4");
            assertEquals(Outcome.APPLIED, engine.handle("g", RESERVATIONS, four));
            assertEquals(Outcome.DUPLICATE, engine.handle("g", RESERVATIONS, four), "redelivered: nothing again");
            assertEquals(1, reserved(sku));

            InboundMessage three = message(sku + ":3");
            assertEquals(Outcome.PARKED, engine.handle("g", RESERVATIONS, three), "4 + 3 > 5: rejected, cache " + cache);
            assertEquals(Outcome.DUPLICATE, engine.handle("g", RESERVATIONS, three), "a parked message is not parked twice");
            List<ParkedMessage> parked = engine.parked("reservations").stream()
                    .filter(p -> p.value().startsWith(sku)).toList();
            assertEquals(1, parked.size());
            assertTrue(parked.get(0).error().contains("out-of-stock"), parked.get(0).error());
            assertEquals(1, reserved(sku), "a rejection appends nothing");
        }
    }
}
