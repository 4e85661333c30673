package dev.pgevents.eventstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.eventstore.TestEvents.Deposited;
import dev.pgevents.eventstore.TestEvents.Opened;
import dev.pgevents.eventstore.TestEvents.Transferred;
import dev.pgevents.eventstore.jdbc.JdbcEventStore;
import dev.pgevents.testsupport.EventStoreFixture;
import dev.pgevents.testsupport.TestTransactions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A decision's statements (its locked read by tags, its conditional append) run on their generic
 * plans on a long-lived connection, also after the store has grown and been analysed, in
 * autocommit as in the caller's transaction.
 * PostgreSQL alone would plan them anew on every execution from then on: it compares the generic
 * plan, made anew after the ANALYZE, with the custom plans of the first executions, made while
 * the table was small (docs/event-store.md, Plans).
 */
class GenericPlanTest {

    @Test
    void aDecisionsStatementsKeepTheirGenericPlansAfterTheStoreHasGrownAndBeenAnalysed() throws Exception {
        assertGenericOnly(decisionsOnAGrowingStore("es_generic_plan_test", false));
    }

    /**
     * In the caller's transaction, the statements run on their generic plans too, even under the
     * caller's own plan_cache_mode, and the transaction goes on with the caller's settings.
     */
    @Test
    void inTheCallersTransactionTheCallersPlanCacheModeIsBackAfterEachStatement() throws Exception {
        assertGenericOnly(decisionsOnAGrowingStore("es_generic_plan_tx_test", true));
    }

    /**
     * Without statistics (a PostgreSQL whose autovacuum is off or behind; es_event_tag was
     * analysed empty by its migration), a generic plan made while the store was a page or two
     * scans the whole table, and nothing makes it again as the store grows: each check and read
     * then costs the store's size (docs/event-store.md, Plans). The decision's statements, made
     * on 30 events and run on 30,000, still take the indexes: their generic plans, made on the
     * small store and run since (none made anew at the end), scan no table of the store.
     */
    @Test
    void aDecisionsStatementsTakeTheIndexesOnAStoreThatGrewWithoutStatistics() throws Exception {
        DataSource plain = EventStoreFixture.migrated("es_generic_plan_nostats_test");
        EventStore filler = new JdbcEventStore(plain, TestEvents.registry(), new JsonbEventSerializer());
        fill(filler, 0, 10);
        try (Connection c = plain.getConnection()) {
            EventStore store = new JdbcEventStore(TestTransactions.singleConnection(c), TestEvents.registry(), new JsonbEventSerializer());
            decisions(c, store, 0, 10, false); // prepares the statements on a store of 30 events
            fill(filler, 10, 10_000);
            decisions(c, store, 10, 40, false);
            Map<String, String> plans = genericPlans(c);
            assertEquals(Set.of("read", "read of two tags", "append"), plans.keySet(), "the statements made on 30 events");
            plans.forEach((kind, plan) -> assertFalse(plan.contains("Seq Scan on es_event"),
                    "the generic plan of the " + kind + " scans a whole table of the store:\n" + plan));
        }
    }

    /** The executions after the growth, {generic, custom}, of the read and of the append: all 30 of each generic. */
    private static void assertGenericOnly(Map<String, long[]> afterGrowth) {
        long[] read = afterGrowth.get("read");
        long[] append = afterGrowth.get("append");
        assertEquals(0, read[1], "custom plans of the locked read after the growth (generic: " + read[0] + ")");
        assertEquals(0, append[1], "custom plans of the conditional append after the growth (generic: " + append[0] + ")");
        assertEquals(30, read[0], "generic executions of the read after the growth");
        assertEquals(30, append[0], "generic executions of the append after the growth");
    }

    /**
     * On one connection: decisions on a store of 300 events (the statements prepared there), the
     * store grown a hundredfold and analysed, 30 more decisions; what the connection's read and
     * append ran in those, {generic, custom}. In transactions: each decision in one of its own
     * that first sets force_custom_plan.
     */
    private static Map<String, long[]> decisionsOnAGrowingStore(String database, boolean inTransaction) throws Exception {
        DataSource plain = EventStoreFixture.migrated(database);
        EventStore filler = new JdbcEventStore(plain, TestEvents.registry(), new JsonbEventSerializer());
        fill(filler, 0, 100);
        analyse(plain);
        try (Connection c = plain.getConnection()) {
            EventStore store = new JdbcEventStore(TestTransactions.singleConnection(c), TestEvents.registry(), new JsonbEventSerializer());
            decisions(c, store, 0, 10, inTransaction); // prepares the statements on the small table
            fill(filler, 100, 10_000);
            analyse(plain);
            Map<String, long[]> before = plans(c);
            assertTrue(before.containsKey("read") && before.containsKey("append"), "prepared on the small table: " + before.keySet());
            decisions(c, store, 10, 40, inTransaction);
            Map<String, long[]> after = plans(c);
            after.replaceAll((kind, counts) -> new long[] {counts[0] - before.get(kind)[0], counts[1] - before.get(kind)[1]});
            return after;
        }
    }

    /** For accounts from..to: opened, a deposit, a transfer to the next account (tagged with both). */
    private static void fill(EventStore store, int from, int to) {
        for (int b = from; b < to; b += 100) {
            List<NewEvent> batch = new ArrayList<>();
            for (int i = b; i < Math.min(b + 100, to); i++) {
                batch.add(NewEvent.of(new Opened("a" + i)));
                batch.add(NewEvent.of(new Deposited("a" + i, 5)));
                batch.add(NewEvent.of(new Transferred(List.of("a" + i, "a" + (i + 1)), 1)));
            }
            store.append(batch);
        }
    }

    /** Each a locked read of one account's and of two accounts' events, then a deposit on the first's condition. */
    private static void decisions(Connection c, EventStore store, int from, int to, boolean inTransaction) throws Exception {
        for (int i = from; i < to; i++) {
            if (inTransaction) {
                c.setAutoCommit(false);
                execute(c, "SET LOCAL plan_cache_mode = force_custom_plan");
            }
            String account = "a" + i * 7;
            EventQuery one = EventQuery.tagged("account:" + account);
            read(store, EventQuery.of(QueryItem.of(Set.of(), Set.of("account:" + account)),
                    QueryItem.of(Set.of(), Set.of("account:a" + (i * 11 + 1)))));
            AppendCondition condition = read(store, one);
            store.append(List.of(NewEvent.of(new Deposited(account, 1))), condition);
            if (inTransaction) {
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT current_setting('plan_cache_mode'), current_setting('enable_seqscan')")) {
                    rs.next();
                    assertEquals("force_custom_plan", rs.getString(1), "the caller's setting after the decision's statements");
                    assertEquals("on", rs.getString(2), "the caller's enable_seqscan after the decision's statements");
                }
                c.commit();
                c.setAutoCommit(true);
            }
        }
    }

    private static void execute(Connection c, String sql) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static AppendCondition read(EventStore store, EventQuery query) {
        try (EventStream<RecordedEvent> events = store.read(query, ReadOptions.defaults().locked())) {
            events.stream().forEach(e -> { });
            return events.result().appendCondition().orElseThrow();
        }
    }

    private static void analyse(DataSource ds) throws Exception {
        try (Connection c = ds.getConnection()) {
            execute(c, "ANALYZE es_event");
            execute(c, "ANALYZE es_event_tag");
        }
    }

    /** The generic plans (EXPLAIN) of the connection's prepared reads and conditional inserts, by kind. */
    private static Map<String, String> genericPlans(Connection c) throws Exception {
        record Prepared(String name, int parameters, String kind) {
        }
        List<Prepared> statements = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT name, statement, cardinality(parameter_types), generic_plans, custom_plans FROM pg_prepared_statements")) {
            while (rs.next()) {
                String kind = kind(rs.getString(2).strip());
                if (kind != null) {
                    // run on a generic plan made before (EXPLAIN shows that one, not a plan made now)
                    assertTrue(rs.getLong(4) > 0 && rs.getLong(5) == 0, "the " + kind + " ran on its generic plan: " + rs.getString(2));
                    statements.add(new Prepared(rs.getString(1), rs.getInt(3), kind));
                }
            }
        }
        Map<String, String> plans = new LinkedHashMap<>();
        execute(c, "SET plan_cache_mode = force_generic_plan");
        try (Statement s = c.createStatement()) {
            for (Prepared statement : statements) {
                StringBuilder plan = new StringBuilder();
                try (ResultSet rs = s.executeQuery("EXPLAIN EXECUTE \"" + statement.name() + "\""
                        + "(" + String.join(", ", Collections.nCopies(statement.parameters(), "NULL")) + ")")) {
                    while (rs.next()) {
                        plan.append(rs.getString(1)).append('\n');
                    }
                }
                plans.merge(statement.kind(), plan.toString(), String::concat);
            }
        } finally {
            execute(c, "RESET plan_cache_mode");
        }
        return plans;
    }

    private static String kind(String text) {
        if (text.startsWith("SELECT position") && text.contains("ORDER BY")) {
            return text.contains(" OR ") ? "read of two tags" : "read";
        }
        return text.startsWith("INSERT INTO es_event") && text.contains("WHERE") ? "append" : null;
    }

    /** The connection's prepared read of one tag and conditional insert: {generic, custom} executions. */
    private static Map<String, long[]> plans(Connection c) throws Exception {
        Map<String, long[]> plans = new LinkedHashMap<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements")) {
            while (rs.next()) {
                String kind = kind(rs.getString(1).strip());
                if (kind != null) {
                    plans.merge(kind, new long[] {rs.getLong(2), rs.getLong(3)}, (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
                }
            }
        }
        return plans;
    }
}
