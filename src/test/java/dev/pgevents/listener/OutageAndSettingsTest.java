package dev.pgevents.listener;

import static dev.pgevents.listener.ListenerPasses.runUntilCaughtUp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.JsonbEventSerializer;
import dev.pgevents.eventstore.jdbc.JdbcEventStore;
import dev.pgevents.listener.ListenerTestEvents.Counted;
import dev.pgevents.testsupport.Appends;
import dev.pgevents.testsupport.TestTransactions;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** A database outage stops the loop cleanly and it resumes by itself; settings resolve per listener. */
class OutageAndSettingsTest {

    /** A data source that can be switched off, as a database outage. */
    static final class Switchable extends dev.pgevents.testsupport.DataSourceBase {
        final DataSource target;
        final AtomicBoolean down = new AtomicBoolean();

        Switchable(DataSource target) {
            this.target = target;
        }

        @Override
        public Connection getConnection() throws SQLException {
            if (down.get()) {
                throw new SQLException("Connection refused (test outage)", "08001");
            }
            return target.getConnection();
        }
    }

    @Test
    void aDatabaseOutageStopsPassesAndTheyResumeWhenItIsBack() {
        try (ListenerFixture f = new ListenerFixture("listener_outage_test")) {
            Switchable db = new Switchable(f.pool);
            TestTransactions tx = new TestTransactions(db);
            JdbcEventStore store = new JdbcEventStore(tx.dataSource(), ListenerTestEvents.registry(), new JsonbEventSerializer());
            ListenerEngine engine = new ListenerEngine("node-a", tx, tx.dataSource(), store, store.codec()::decode,
                    id -> ListenerSettings.defaults(), ListenerObserver.NONE);
            ListenerFixture.Recording listener = f.recording("outage", EventQuery.tagged("counter:outage"));
            engine.register(listener);
            Appends.unconditional(f.store, new Counted("outage", 1));
            assertEquals(1, runUntilCaughtUp(engine, "outage"));

            db.down.set(true);
            Appends.unconditional(f.store, new Counted("outage", 2)); // other writers go on (another path to the database)
            Appends.unconditional(f.store, new Counted("outage", 3));
            long before = f.checkpoint("outage");
            assertThrows(RuntimeException.class, () -> engine.runPass("outage"), "the pass ends with the error");
            assertThrows(RuntimeException.class, () -> engine.runPass("outage"), "and again at the next tick");
            assertEquals(before, f.checkpoint("outage"));

            db.down.set(false);
            assertEquals(2, runUntilCaughtUp(engine, "outage"), "resumed by itself, nothing lost or doubled");
            assertEquals(3, listener.seen().size());
        }
    }

    @Test
    void settingsResolvePerListenerThenGloballyThenByDefault() {
        Map<String, String> config = Map.of(
                "pgevents.listener.batch-size", "100",
                "pgevents.listener.special.batch-size", "7",
                "pgevents.listener.special.retry.backoff-min", "250ms",
                "pgevents.listener.special.on-failure", "stop",
                "pgevents.listener.lease-duration", "PT30S",
                "pgevents.listener.special.wake-delay", "0");
        ListenerSettings special = ListenerSettings.resolve("special", k -> Optional.ofNullable(config.get(k)));
        ListenerSettings other = ListenerSettings.resolve("other", k -> Optional.ofNullable(config.get(k)));
        assertEquals(7, special.batchSize());
        assertEquals(100, other.batchSize());
        assertEquals(Duration.ofMillis(250), special.backoffMin());
        assertEquals(Duration.ofSeconds(1), other.backoffMin());
        assertEquals(FailurePolicy.STOP, special.onFailure());
        assertEquals(FailurePolicy.PARK, other.onFailure());
        assertEquals(Duration.ofSeconds(30), other.leaseDuration());
        assertEquals(Duration.ZERO, special.wakeDelay(), "a wake delay of 0 passes at once after a commit");
        assertEquals(Duration.ofMillis(20), other.wakeDelay());
        assertThrows(IllegalArgumentException.class,
                () -> ListenerSettings.resolve("x", k -> Optional.ofNullable(Map.of("pgevents.listener.wake-delay", "-5").get(k))));
        assertThrows(IllegalArgumentException.class,
                () -> ListenerSettings.resolve("x", k -> Optional.ofNullable(Map.of("pgevents.listener.batch-size", "0").get(k))));
    }
}
