package dev.pgevents.eventstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.eventstore.TestEvents.Deposited;
import dev.pgevents.eventstore.TestEvents.Opened;
import dev.pgevents.eventstore.TestEvents.Transferred;
import dev.pgevents.eventstore.jdbc.JdbcEventStore;
import dev.pgevents.testsupport.Sql;
import dev.pgevents.testsupport.TestDatabase;
import dev.pgevents.testsupport.TestTransactions;
import java.sql.Connection;
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

    /** Stores a matching event: the condition fails after any position before it, passes after its own. */
    static void failsOnlyBeforeItsPosition(EventQuery q, Event matching) {
        long before = last();
        store.append(List.of(NewEvent.of(matching)));
        long at = last();
        assertThrows(AppendConditionFailed.class, () -> appendIfNone(new Opened(fresh()), q, before), matching.toString());
        appendIfNone(new Opened(fresh()), q, at);
    }

    @Test
    void itemsOfTagsAloneFailOnlyOnAnEventWithAllTheTagsOfOneOfThem() {
        String a = fresh();
        String b = fresh();
        String c = fresh();
        // generic plans: one tag (es_event_tag), several tags (the GIN index)
        EventQuery q = EventQuery.of(QueryItem.of(List.of(), List.of("account:" + c)),
                QueryItem.of(List.of(), List.of("account:" + a, "account:" + b)));
        long start = last();
        store.append(List.of(NewEvent.of(new Opened(a)), NewEvent.of(new Opened(b)))); // one of the two tags each
        appendIfNone(new Opened(fresh()), q, start);
        failsOnlyBeforeItsPosition(q, new Opened(c));
        failsOnlyBeforeItsPosition(q, new Transferred(List.of(a, b), 5));
    }

    @Test
    void itemsWithTypesFailOnlyOnAnEventOfTheirTypesWithTheirTags() {
        String d = fresh();
        String e = fresh();
        // custom plans: one tag and a type, two tags and a type, a type alone
        EventQuery q = EventQuery.of(QueryItem.of(List.of("Deposited"), List.of("account:" + d)),
                QueryItem.of(List.of("transfer-made"), List.of("account:" + d, "account:" + e)), QueryItem.types("Withdrawn"));
        long start = last();
        store.append(List.of(NewEvent.of(new Opened(d)), NewEvent.of(new Transferred(List.of(d, fresh()), 1)),
                NewEvent.of(new Deposited(e, 1)), NewEvent.of(new Opened(e)))); // a tag or the type, never both
        appendIfNone(new Opened(fresh()), q, start);
        failsOnlyBeforeItsPosition(q, new Deposited(d, 2));
        failsOnlyBeforeItsPosition(q, new Transferred(List.of(d, e), 3));
        failsOnlyBeforeItsPosition(q, new TestEvents.Withdrawn(fresh(), 4));
    }

    @Test
    void aLockedReadFromAPositionOverTwoTagsReturnsEachEventAfterItOnceInOrder() {
        String a = fresh();
        String b = fresh();
        store.append(List.of(NewEvent.of(new Opened(a)), NewEvent.of(new Opened(b))));
        long after = last();
        store.append(List.of(NewEvent.of(new Deposited(a, 1)), NewEvent.of(new Opened(fresh())),
                NewEvent.of(new Transferred(List.of(a, b), 2)), NewEvent.of(new Deposited(b, 3))));
        EventQuery q = EventQuery.tagged("account:" + a).or(EventQuery.tagged("account:" + b));
        List<Long> positions = new java.util.ArrayList<>();
        ReadResult result = store.read(q, ReadOptions.defaults().locked().after(after), e -> positions.add(e.position()));
        List<Long> expected = Sql.queryStrings(plain, "SELECT position FROM es_event WHERE position > ? AND (tags @> ?::text[]"
                + " OR tags @> ?::text[]) ORDER BY position", after, "{account:" + a + "}", "{account:" + b + "}")
                .stream().map(Long::valueOf).toList();
        assertEquals(3, expected.size());
        assertEquals(expected, positions);
        assertEquals(expected.get(2), result.appendCondition().orElseThrow().after());
    }

    @Test
    void aLockedReadFromAPositionLooksUpEachTagsRangeAndEachEventByKeyEvenWithFewDistinctTags() throws Exception {
        // a store whose events share few tags: a plan made of joins would scan es_event_tag or es_event whole
        Sql.exec(plain, "INSERT INTO es_event (event_id, type, tags, payload) SELECT gen_random_uuid(), 'Opened',"
                + " ARRAY['few:' || (n % 2)], '{}' FROM generate_series(1, 20000) n" + Sql.PROTOCOL);
        Sql.exec(plain, "ANALYZE es_event_tag");
        Sql.exec(plain, "ANALYZE es_event");
        long recent = last() - 10;
        EventQuery q = EventQuery.tagged("few:0").or(EventQuery.tagged("few:1"));
        try (Connection c = plain.getConnection()) {
            EventStore session = new JdbcEventStore(TestTransactions.singleConnection(c), TestEvents.registry(),
                    new JsonbEventSerializer());
            for (int i = 0; i < 8; i++) { // prepared by the driver from the 5th use
                c.setAutoCommit(false);
                assertEquals(10, session.read(q, ReadOptions.defaults().locked().after(recent), e -> { }).count());
                c.commit();
            }
            c.setAutoCommit(true);
            List<String> reads = Sql.queryStrings(c, "SELECT name FROM pg_prepared_statements WHERE statement LIKE '%es_event_tag t%'");
            assertEquals(1, reads.size(), "the read from a position is server-prepared");
            Sql.exec(c, "SET plan_cache_mode = force_generic_plan");
            String plan = String.join("\n", Sql.queryStrings(c, "EXPLAIN (COSTS OFF) EXECUTE \"" + reads.get(0) + "\"('{few:0,few:1}', 2)"));
            Sql.exec(c, "RESET plan_cache_mode");
            // each tag's range bounded by both values in es_event_tag's key (an index or bitmap scan), each event by its key
            assertTrue(plan.contains("es_event_tag_pkey") && plan.contains("Index Cond: ((tag = q.tag) AND (\"position\" >= $1))")
                    && plan.contains("Index Scan using es_event_pkey on es_event x") && !plan.contains("Seq Scan")
                    && !java.util.regex.Pattern.compile("(Hash|Merge)( \\w+)? Join").matcher(plan).find()
                    && !plan.contains("Gather"), plan);
        }
    }
}
