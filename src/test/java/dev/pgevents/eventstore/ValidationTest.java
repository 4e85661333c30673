package dev.pgevents.eventstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.eventstore.TestEvents.Opened;
import dev.pgevents.eventstore.TestEvents.Race;
import dev.pgevents.eventstore.jdbc.JdbcEventStore;
import dev.pgevents.testsupport.Appends;
import dev.pgevents.testsupport.EventStoreFixture;
import dev.pgevents.testsupport.Sql;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad input is a typed error at the call site, and nothing reaches the database. */
class ValidationTest {

    static DataSource ds;
    static EventStore store;

    @BeforeAll
    static void setUp() {
        ds = EventStoreFixture.migrated("es_validation_test");
        store = new JdbcEventStore(ds, TestEvents.registry(), new JsonbEventSerializer());
    }

    record NullTag(@Tag("k") String key) implements Event {
    }

    record EmptyTag(@Tag("k") String key) implements Event {
    }

    record ObjectTag(@Tag("k") Object key) implements Event {
    }

    record ManyTags(@Tag("k") List<Integer> keys) implements Event {
    }

    static final class NotARecord implements Event {
    }

    @EventType("Opened")
    record ClashingName(String x) implements Event {
    }

    static String repeat(int n) {
        return "x".repeat(n);
    }

    @Test
    void tagsFromTheEventAreValidated() {
        EventTypeRegistry r = EventTypeRegistry.of(NullTag.class, EmptyTag.class, ObjectTag.class, ManyTags.class);
        assertThrows(InvalidInputException.class, () -> r.tagsOf(new NullTag(null)));
        assertThrows(InvalidInputException.class, () -> r.tagsOf(new EmptyTag("")));
        assertThrows(InvalidInputException.class, () -> r.tagsOf(new ObjectTag(new Object())));
        assertThrows(InvalidInputException.class, () -> r.tagsOf(new NullTag(repeat(Limits.MAX_TAG_LENGTH))),
                "k: plus 256 characters is over the limit");
        assertEquals(Set.of("k:" + repeat(Limits.MAX_TAG_LENGTH - 2)), r.tagsOf(new NullTag(repeat(Limits.MAX_TAG_LENGTH - 2))));
        List<Integer> many = new ArrayList<>();
        for (int i = 0; i <= Limits.MAX_TAGS_PER_EVENT; i++) {
            many.add(i);
        }
        assertThrows(InvalidInputException.class, () -> r.tagsOf(new ManyTags(many)));
        assertThrows(InvalidInputException.class, () -> r.tagsOf(new ManyTags(Arrays.asList(1, null))));
    }

    @Test
    void typesAreValidated() {
        assertThrows(InvalidInputException.class, () -> new EventTypeRegistry().register(NotARecord.class));
        assertThrows(InvalidInputException.class, () -> TestEvents.registry().register(ClashingName.class));
        assertThrows(InvalidInputException.class, () -> EventQuery.ofTypes(repeat(Limits.MAX_TYPE_LENGTH + 1)));
        assertThrows(InvalidInputException.class, () -> EventQuery.ofTypes(""));
        assertThrows(InvalidInputException.class, () -> EventQuery.ofTypes((String) null));
    }

    @Test
    void queriesAreValidated() {
        assertThrows(InvalidInputException.class, () -> EventQuery.of());
        assertThrows(InvalidInputException.class, () -> EventQuery.of(List.of()));
        assertThrows(InvalidInputException.class, () -> EventQuery.of((QueryItem) null));
        assertThrows(InvalidInputException.class, () -> EventQuery.tagged(" "));
        assertThrows(InvalidInputException.class, () -> EventQuery.tagged("ok", null));
        assertThrows(InvalidInputException.class, () -> EventQuery.tagged(repeat(Limits.MAX_TAG_LENGTH + 1)));
        assertThrows(InvalidInputException.class, () -> new QueryItem(null, Set.of()));
        assertThrows(InvalidInputException.class, () -> EventQuery.union(List.of()));
        assertThrows(InvalidInputException.class, () -> store.read(null, ReadOptions.defaults()));
    }

    @Test
    void readOptionsAreValidated() {
        assertThrows(InvalidInputException.class, () -> ReadOptions.defaults().from(-1));
        assertThrows(InvalidInputException.class, () -> ReadOptions.defaults().limit(-1));
        assertThrows(InvalidInputException.class, () -> ReadOptions.defaults().from(10).to(5));
        assertThrows(InvalidInputException.class, () -> ReadOptions.defaults().unknownTypes(null));
    }

    @Test
    void appendsAreValidatedBeforeTouchingTheDatabase() {
        assertThrows(InvalidInputException.class, () -> store.append(List.of()));
        assertThrows(InvalidInputException.class, () -> store.append(null));
        assertThrows(InvalidInputException.class, () -> store.append(Arrays.asList(NewEvent.of(new Opened("a")), null)));
        assertThrows(InvalidInputException.class, () -> NewEvent.of(null));
        assertThrows(InvalidInputException.class, () -> new NewEvent(null, new Opened("a"), null));
        assertThrows(InvalidInputException.class, () -> store.append(List.of(NewEvent.of(new Opened("a"))), null));
        assertThrows(InvalidInputException.class, () -> AppendCondition.failIfAnyAfter(EventQuery.all(), -1));
        assertThrows(InvalidInputException.class, () -> AppendCondition.failIfAny(null));
        assertThrows(InvalidInputException.class, () -> Appends.unconditional(store, new Opened(null)));
        assertThrows(InvalidInputException.class, () -> Appends.unconditional(store, new NullTag("x")));
        // too many lock keys for one transaction: 1,001 events with distinct tags (plus type and "all")
        List<NewEvent> tooWide = new java.util.ArrayList<>();
        for (int i = 0; i < Limits.MAX_LOCK_KEYS_PER_APPEND; i++) {
            tooWide.add(NewEvent.of(new Race("wide-" + i, i)));
        }
        InvalidInputException wide = assertThrows(InvalidInputException.class, () -> store.append(tooWide));
        assertTrue(wide.getMessage().contains("lock keys"), wide.getMessage());
        // Race events of one thread: a key per race tag, plus thread:0, the type and "all"
        List<NewEvent> oneTooMany = new ArrayList<>();
        for (int i = 0; i < Limits.MAX_LOCK_KEYS_PER_APPEND - 2; i++) {
            oneTooMany.add(NewEvent.of(new Race("edge-" + i, 0)));
        }
        InvalidInputException edge = assertThrows(InvalidInputException.class, () -> store.append(oneTooMany));
        assertTrue(edge.getMessage().startsWith("the append needs 129 lock keys"), edge.getMessage());
        assertEquals(128, Limits.MAX_LOCK_KEYS_PER_APPEND);
        List<dev.pgevents.eventstore.RawEvent> rawWide = tooWide.stream().map(e -> new dev.pgevents.eventstore.RawEvent(
                e.eventId(), "Raw", 1, java.util.Set.of("t:" + e.eventId()), "{}", null)).toList();
        assertThrows(InvalidInputException.class, () -> store.appendRaw(rawWide, null));
        assertEquals(0, Sql.queryLong(ds, "SELECT count(*) FROM es_event"), "nothing was appended");
        store.append(oneTooMany.subList(1, oneTooMany.size())); // exactly 128 keys
        assertEquals(Limits.MAX_LOCK_KEYS_PER_APPEND - 3, Sql.queryLong(ds, "SELECT count(*) FROM es_event"));
    }

    @Test
    void aRawPayloadItsEventClassRefusesIsAnInvalidAppendInTheApisWords() {
        InvalidInputException refused = assertThrows(InvalidInputException.class, () -> store.appendRaw(List.of(
                new RawEvent(UUID.randomUUID(), "Withdrawn", 1, Set.of("account:r"), "{\"accountId\":\"r\",\"amount\":-5}", null)), null));
        assertEquals("invalid Withdrawn event: the amount must not be negative: -5", refused.getMessage());
        for (String payload : List.of("{\"accountId\":\"r\",\"amount\":\"five\"}", "[1]", "{\"accountId\":{}}")) {
            InvalidInputException mismatch = assertThrows(InvalidInputException.class, () -> store.appendRaw(List.of(
                    new RawEvent(UUID.randomUUID(), "Withdrawn", 1, Set.of("account:r"), payload, null)), null));
            assertTrue(mismatch.getMessage().startsWith("the payload of a Withdrawn event does not match")
                    && !mismatch.getMessage().contains("java.") && !mismatch.getMessage().contains("class "), mismatch.getMessage());
        }
        assertEquals(0, Sql.queryLong(ds, "SELECT count(*) FROM es_event WHERE type = 'Withdrawn'"), "nothing was appended");
    }

    @Test
    void aPlainInsertIntoEsEventIsRefusedAndAnSqlWriterAppendsThroughEsLockKeys() throws Exception {
        DataSource ds = EventStoreFixture.migrated("es_protocol_test");
        EventStore store = new JdbcEventStore(ds, TestEvents.registry(), new JsonbEventSerializer());
        String insert = "INSERT INTO es_event (event_id, type, tags, payload) VALUES (gen_random_uuid(), 'Opened',"
                + " '{account:sql}', '{\"accountId\": \"sql\"}')";
        try (java.sql.Connection c = ds.getConnection(); java.sql.Statement s = c.createStatement()) {
            java.sql.SQLException refused = assertThrows(java.sql.SQLException.class, () -> s.execute(insert));
            assertEquals("PE001", refused.getSQLState());
            assertTrue(refused.getMessage().contains("es_event is written only through the event store's append protocol"),
                    refused.getMessage());
            // the protocol in SQL: the writer's shared keys (type, tag, all) and the mark, then the insert
            c.setAutoCommit(false);
            s.execute(dev.pgevents.eventstore.jdbc.AppendProtocol.writerLockStatement(Set.of("Opened"), Set.of("account:sql")));
            s.execute(insert);
            c.commit();
        }
        assertEquals(1, Sql.queryLong(ds, "SELECT count(*) FROM es_event WHERE tags @> '{account:sql}'"));
        assertEquals("sql", store.read(EventQuery.tagged("account:sql"), ReadOptions.defaults()).toList().get(0).event()
                instanceof Opened o ? o.accountId() : null);
    }

    @Test
    void duplicateEventIdsAreTypedAndAppendNothing() {
        UUID id = UUID.randomUUID();
        store.append(List.of(new NewEvent(id, new Race("dup", 1), null)));
        EventStoreAccessException e = assertThrows(EventStoreAccessException.class, () -> store.append(List.of(
                NewEvent.of(new Race("dup", 2)), new NewEvent(id, new Race("dup", 3), null))));
        assertTrue(e.getMessage().startsWith("an event id of the append already exists"), e.getMessage());
        assertEquals("23505", e.sqlState());
        assertFalse(e.isTransient());
        assertEquals(1, Sql.queryLong(ds, "SELECT count(*) FROM es_event WHERE tags @> '{race:dup}'"));
    }
}
