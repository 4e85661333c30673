package dev.pgevents.eventstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A decision's statements (its locked read by tags, its conditional append) run on their generic
 * plans on a long-lived connection, also after the store has grown and been analysed.
 * PostgreSQL alone would plan them anew on every execution from then on: it compares the generic
 * plan, made anew after the ANALYZE, with the custom plans of the first executions, made while
 * the table was small (docs/event-store.md, Plans).
 */
class GenericPlanTest {

    @Test
    void aDecisionsStatementsKeepTheirGenericPlansAfterTheStoreHasGrownAndBeenAnalysed() throws Exception {
        DataSource plain = EventStoreFixture.migrated("es_generic_plan_test");
        EventStore filler = new JdbcEventStore(plain, TestEvents.registry(), new JsonbEventSerializer());
        fill(filler, 0, 100);
        analyse(plain);
        try (Connection c = plain.getConnection()) {
            EventStore store = new JdbcEventStore(TestTransactions.singleConnection(c), TestEvents.registry(), new JsonbEventSerializer());
            decisions(store, 0, 10); // prepares the statements on the small table
            fill(filler, 100, 10_000);
            analyse(plain);
            decisions(store, 10, 40);

            Map<String, long[]> plans = plans(c);
            long[] read = plans.get("read");
            long[] append = plans.get("append");
            assertTrue(read != null && append != null, "the read and the append are prepared: " + plans.keySet());
            assertEquals(0, read[1], "custom plans of the locked read (generic: " + read[0] + ")");
            assertEquals(0, append[1], "custom plans of the conditional append (generic: " + append[0] + ")");
            assertTrue(read[0] >= 30 && append[0] >= 30, "generic executions: read " + read[0] + ", append " + append[0]);
        }
    }

    /** For accounts from..to: opened, a deposit, a transfer to the next account (tagged with both). */
    private static void fill(EventStore store, int from, int to) {
        for (int b = from; b < to; b += 100) {
            List<NewEvent> batch = new ArrayList<>();
            for (int i = b; i < b + 100; i++) {
                batch.add(NewEvent.of(new Opened("a" + i)));
                batch.add(NewEvent.of(new Deposited("a" + i, 5)));
                batch.add(NewEvent.of(new Transferred(List.of("a" + i, "a" + (i + 1)), 1)));
            }
            store.append(batch);
        }
    }

    /** Each a locked read of one account's and of two accounts' events, then a deposit on the first's condition. */
    private static void decisions(EventStore store, int from, int to) {
        for (int i = from; i < to; i++) {
            String account = "a" + i * 7;
            EventQuery one = EventQuery.tagged("account:" + account);
            read(store, EventQuery.of(QueryItem.of(Set.of(), Set.of("account:" + account)),
                    QueryItem.of(Set.of(), Set.of("account:a" + i * 11))));
            AppendCondition condition = read(store, one);
            store.append(List.of(NewEvent.of(new Deposited(account, 1))), condition);
        }
    }

    private static AppendCondition read(EventStore store, EventQuery query) {
        try (EventStream<RecordedEvent> events = store.read(query, ReadOptions.defaults().locked())) {
            events.stream().forEach(e -> { });
            return events.result().appendCondition().orElseThrow();
        }
    }

    private static void analyse(DataSource ds) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("ANALYZE es_event");
            s.execute("ANALYZE es_event_tag");
        }
    }

    /** The connection's prepared read of one tag and conditional insert: {generic, custom} executions. */
    private static Map<String, long[]> plans(Connection c) throws Exception {
        Map<String, long[]> plans = new LinkedHashMap<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements")) {
            while (rs.next()) {
                String text = rs.getString(1).strip();
                String kind = text.startsWith("SELECT position") && text.contains("ORDER BY") && !text.contains(" OR ") ? "read"
                        : text.startsWith("INSERT INTO es_event") && text.contains("WHERE") ? "append" : null;
                if (kind != null) {
                    plans.merge(kind, new long[] {rs.getLong(2), rs.getLong(3)}, (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
                }
            }
        }
        return plans;
    }
}
