package dev.pgevents.eventstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pgevents.eventstore.TestEvents.Deposited;
import dev.pgevents.eventstore.TestEvents.Opened;
import dev.pgevents.eventstore.TestEvents.Transferred;
import dev.pgevents.eventstore.jdbc.JdbcEventStore;
import dev.pgevents.testsupport.Sql;
import dev.pgevents.testsupport.TestDatabase;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * es_event_tag, the tag positions a condition's check reads (migration V24): filled by every
 * writer in the statement that inserts the events, backfilled for the events stored before, and
 * the check's items tested against their other tags and types.
 */
class TagPositionsTest {

    static DataSource plain;
    static EventStore store;

    @BeforeAll
    static void setUp() {
        plain = TestDatabase.fresh("es_tag_positions_test");
        // events stored before V24, by a writer in SQL: the migration must backfill their tags
        Flyway.configure().dataSource(plain).locations("classpath:db/migration").target("23").load().migrate();
        Sql.exec(plain, "INSERT INTO es_event (event_id, type, tags, payload) SELECT gen_random_uuid(), 'Opened',"
                + " '{account:before-v24,branch:b,NULL}', '{\"accountId\":\"before-v24\"}'" + Sql.PROTOCOL);
        Flyway.configure().dataSource(plain).locations("classpath:db/migration").load().migrate();
        store = new JdbcEventStore(plain, TestEvents.registry(), new JsonbEventSerializer());
    }

    static String fresh() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    static long last() {
        return Sql.queryLong(plain, "SELECT coalesce(max(position), 0) FROM es_event");
    }

    static void appendIfNone(Event event, EventQuery query, long after) {
        store.append(List.of(NewEvent.of(event)), AppendCondition.failIfAnyAfter(query, after));
    }

    @Test
    void eventsStoredBeforeTheMigrationAreInTheTagPositionsTheirNullTagsLeftOut() {
        long position = Sql.queryLong(plain, "SELECT position FROM es_event WHERE tags @> '{account:before-v24}'");
        assertEquals(List.of("account:before-v24", "branch:b"), Sql.queryStrings(plain,
                "SELECT tag FROM es_event_tag WHERE position = ? ORDER BY tag", position));
        EventQuery q = EventQuery.tagged("account:before-v24");
        assertThrows(AppendConditionFailed.class, () -> appendIfNone(new Opened("before-v24"), q, position - 1));
        appendIfNone(new Deposited("before-v24", 1), q, position);
    }

    @Test
    void everyWriterFillsThemOnceATagEvenWhenAnSqlWriterRepeatsItOrAddsANull() {
        String a = fresh();
        long before = last();
        Sql.exec(plain, "INSERT INTO es_event (event_id, type, tags, payload) SELECT gen_random_uuid(), 'Opened',"
                + " ARRAY['account:" + a + "', 'account:" + a + "', NULL], '{}'" + Sql.PROTOCOL);
        assertEquals(1, Sql.queryLong(plain, "SELECT count(*) FROM es_event_tag WHERE tag = ?", "account:" + a));
        assertThrows(AppendConditionFailed.class, () -> appendIfNone(new Opened(a), EventQuery.tagged("account:" + a), before));

        String b = fresh();
        String c = fresh();
        store.append(List.of(NewEvent.of(new Transferred(List.of(b, c), 5)), NewEvent.of(new Deposited(b, 1))));
        assertEquals(3, Sql.queryLong(plain, "SELECT count(*) FROM es_event_tag WHERE tag IN (?, ?)", "account:" + b, "account:" + c));
    }

    @Test
    void anItemWithSeveralTagsOrTypesFailsOnlyOnAnEventWithAllOfThemAfterThePosition() {
        String a = fresh();
        String b = fresh();
        EventQuery both = EventQuery.of(QueryItem.of(List.of(), List.of("account:" + a, "account:" + b)));
        long start = last();
        // an event with only the first tag, and one with only the second, after the position: no match
        store.append(List.of(NewEvent.of(new Opened(a)), NewEvent.of(new Opened(b))));
        appendIfNone(new Deposited(a, 1), both, start);
        // an event with both tags: a match
        store.append(List.of(NewEvent.of(new Transferred(List.of(a, b), 5))));
        assertThrows(AppendConditionFailed.class, () -> appendIfNone(new Deposited(a, 2), both, start));

        // type and tag: the transfer has both tags but another type
        EventQuery deposits = EventQuery.of(QueryItem.of(List.of("Deposited"), List.of("account:" + b)));
        long afterDeposit = last();
        store.append(List.of(NewEvent.of(new Transferred(List.of(a, b), 6))));
        appendIfNone(new Opened(b), deposits, afterDeposit);
        store.append(List.of(NewEvent.of(new Deposited(b, 7))));
        assertThrows(AppendConditionFailed.class, () -> appendIfNone(new Opened(b), deposits, afterDeposit));

        // several items: any one matching fails the condition, whichever it is
        String c = fresh();
        long now = last();
        EventQuery either = EventQuery.of(QueryItem.of(List.of(), List.of("account:" + c)),
                QueryItem.of(List.of("Deposited"), List.of("account:" + a)), QueryItem.types("NeverStored"));
        store.append(List.of(NewEvent.of(new Opened(a))));
        appendIfNone(new Opened(c), either, now);
        long later = last();
        store.append(List.of(NewEvent.of(new Deposited(a, 8))));
        assertThrows(AppendConditionFailed.class, () -> appendIfNone(new Opened(c), either, later));
    }
}
