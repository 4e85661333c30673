package dev.pgevents.eventstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.eventstore.TestEvents.Color;
import dev.pgevents.eventstore.TestEvents.Deposited;
import dev.pgevents.eventstore.TestEvents.Opened;
import dev.pgevents.eventstore.TestEvents.Tagged;
import dev.pgevents.eventstore.jdbc.JdbcEventStore;
import dev.pgevents.testsupport.Appends;
import dev.pgevents.testsupport.EventStoreFixture;
import dev.pgevents.testsupport.Sql;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Typed reads: tags, metadata, unknown types and payloads that do not deserialize. */
class TypedReadTest {

    DataSource ds;
    EventStore store;

    @BeforeEach
    void setUp() {
        ds = EventStoreFixture.migrated("es_typed_read_test");
        store = new JdbcEventStore(ds, TestEvents.registry(), new JsonbEventSerializer());
    }

    @Test
    void recordsRoundTripWithTagsFromAnnotatedComponentsAndMethods() {
        UUID id = UUID.fromString("00000000-0000-0000-0000-00000000002a");
        Tagged event = new Tagged(id, 7, Color.GREEN, Set.of("p", "q"));
        Metadata md = Metadata.empty().withCorrelationId("corr-1").withCausationId("cause-1").with("user", "ada");
        AppendedEvent appended = store.append(List.of(NewEvent.of(event, md))).get(0);
        assertEquals(Set.of("id:" + id, "n:7", "color:GREEN", "set:p", "set:q", "derived:x7"), appended.tags());
        List<RecordedEvent> read = store.read(EventQuery.tagged("n:7", "color:GREEN"), ReadOptions.defaults()).toList();
        assertEquals(1, read.size());
        RecordedEvent e = read.get(0);
        assertEquals(event, e.event());
        assertEquals(md, e.metadata());
        assertEquals("Tagged", e.type());
        assertEquals(appended.tags(), e.tags());
        assertEquals(appended.eventId(), e.eventId());
        assertTrue(e.recordedAt() != null);
    }

    @Test
    void unknownTypeFailsNamingTypeAndPosition() {
        Appends.unconditional(store, new Opened("a"));
        Sql.exec(ds, "INSERT INTO es_event (event_id, type, tags, payload) SELECT gen_random_uuid(), 'Ghost', '{account:a}', '{}'" + Sql.PROTOCOL);
        Appends.unconditional(store, new Deposited("a", 5));
        long ghost = Sql.queryLong(ds, "SELECT position FROM es_event WHERE type = 'Ghost'");
        UndecodableEventException e = assertThrows(UndecodableEventException.class,
                () -> store.read(EventQuery.tagged("account:a"), ReadOptions.defaults()).toList());
        assertEquals("Ghost", e.type());
        assertEquals(ghost, e.position());
        assertTrue(e.getMessage().contains("'Ghost'") && e.getMessage().contains("position " + ghost), e.getMessage());
    }

    @Test
    void unknownTypeIsSkippedWithALogLineWhenTheCallerSaysSo() {
        Appends.unconditional(store, new Opened("a"));
        Sql.exec(ds, "INSERT INTO es_event (event_id, type, tags, payload) SELECT gen_random_uuid(), 'Ghost', '{account:a}', '{}'" + Sql.PROTOCOL);
        Appends.unconditional(store, new Deposited("a", 5));
        List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(java.text.MessageFormat.format(record.getMessage(), record.getParameters()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(EventCodec.class.getName());
        logger.addHandler(handler);
        try (EventStream<RecordedEvent> s = store.read(EventQuery.tagged("account:a"), ReadOptions.defaults().skipUnknownTypes())) {
            List<Event> events = s.stream().map(RecordedEvent::event).toList();
            assertEquals(List.of(new Opened("a"), new Deposited("a", 5)), events);
            assertEquals(3, s.result().count(), "the skipped row was read (and counts for the consistency position)");
        } finally {
            logger.removeHandler(handler);
        }
        assertEquals(1, logged.size(), logged.toString());
        assertTrue(logged.get(0).contains("Ghost"), logged.get(0));
    }

    /** A payload that does not deserialize, or metadata that is not the store's shape. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"accountId\": \"a\", \"amount\": \"not a number\"} | {}",
            "{\"accountId\": \"a\", \"amount\": 5}                  | {\"values\": [1, 2]}"})
    void anEventThatDoesNotDecodeFailsNamingTypeAndPosition(String payload, String metadata) {
        Sql.exec(ds, "INSERT INTO es_event (event_id, type, tags, payload, metadata) SELECT gen_random_uuid(), 'Deposited',"
                + " '{account:a}', '" + payload + "', '" + metadata + "'" + Sql.PROTOCOL);
        long position = Sql.queryLong(ds, "SELECT max(position) FROM es_event");
        UndecodableEventException e = assertThrows(UndecodableEventException.class,
                () -> store.read(EventQuery.tagged("account:a"), ReadOptions.defaults()).toList());
        assertEquals("Deposited", e.type());
        assertEquals(position, e.position());
        // the raw read still works: an operator can look at it
        assertEquals(1, store.readRaw(EventQuery.tagged("account:a"), ReadOptions.defaults()).toList().size());
    }
}
