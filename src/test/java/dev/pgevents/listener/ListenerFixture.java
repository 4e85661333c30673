package dev.pgevents.listener;

import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.JsonbEventSerializer;
import dev.pgevents.eventstore.RecordedEvent;
import dev.pgevents.eventstore.jdbc.JdbcEventStore;
import dev.pgevents.testsupport.EventStoreFixture;
import dev.pgevents.testsupport.PooledDataSource;
import dev.pgevents.testsupport.Sql;
import dev.pgevents.testsupport.TestTransactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

/**
 * A migrated database, a pooled data source, the JTA stand-in, the store and engines on it, and a
 * JDBC read model: table {@code seen} records every handled event, committed with the checkpoint.
 */
final class ListenerFixture implements AutoCloseable {

    final DataSource raw;
    final PooledDataSource pool;
    final TestTransactions tx;
    final JdbcEventStore store;

    ListenerFixture(String database) {
        raw = EventStoreFixture.migrated(database);
        pool = new PooledDataSource(raw, 24);
        tx = new TestTransactions(pool);
        store = new JdbcEventStore(tx.dataSource(), ListenerTestEvents.registry(), new JsonbEventSerializer());
        Sql.exec(raw, "CREATE TABLE seen (seq bigserial PRIMARY KEY, listener text NOT NULL, position bigint NOT NULL,"
                + " type text NOT NULL)");
    }

    ListenerEngine engine(String node, UnaryOperator<ListenerSettingsBuilder> settings) {
        return engine(node, settings, ListenerObserver.NONE);
    }

    ListenerEngine engine(String node, UnaryOperator<ListenerSettingsBuilder> settings, ListenerObserver observer) {
        return new ListenerEngine(node, tx, tx.dataSource(), store, store.codec()::decode,
                id -> settings.apply(new ListenerSettingsBuilder()).build(), observer);
    }

    /** A listener that records each event in {@code seen} (in the engine's transaction). */
    Recording recording(String id, EventQuery query) {
        return new Recording(id, query);
    }

    final class Recording implements EventListener {
        final String id;
        final EventQuery query;
        volatile Predicate<RecordedEvent> failWhen = e -> false;
        volatile int resets;

        Recording(String id, EventQuery query) {
            this.id = id;
            this.query = query;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public EventQuery query() {
            return query;
        }

        @Override
        public void handle(RecordedEvent event) throws Exception {
            try (Connection c = tx.dataSource().getConnection();
                 PreparedStatement ps = c.prepareStatement("INSERT INTO seen (listener, position, type) VALUES (?, ?, ?)")) {
                ps.setString(1, id);
                ps.setLong(2, event.position());
                ps.setString(3, event.type());
                ps.executeUpdate();
            }
            if (failWhen.test(event)) {
                throw new IllegalStateException("handler refuses event " + event.position());
            }
        }

        @Override
        public void reset(long position) {
            resets++;
            try (Connection c = tx.dataSource().getConnection()) {
                Sql.exec(c, "DELETE FROM seen WHERE listener = ? AND position > ?", id, position);
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Positions this listener handled (committed), in handling order. */
        List<Long> seen() {
            return Sql.queryStrings(raw, "SELECT position FROM seen WHERE listener = ? ORDER BY seq", id).stream()
                    .map(Long::valueOf).toList();
        }
    }

    long checkpoint(String id) {
        return Sql.queryLong(raw, "SELECT position FROM es_listener WHERE listener_id = ?", id);
    }

    List<Long> positions(String type) {
        return Sql.queryStrings(raw, "SELECT position FROM es_event WHERE type = ? ORDER BY position", type).stream()
                .map(Long::valueOf).toList();
    }

    @Override
    public void close() {
        pool.close();
    }
}
