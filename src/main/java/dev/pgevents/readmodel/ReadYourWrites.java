package dev.pgevents.readmodel;

import dev.pgevents.listener.ListenerTables;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Read-your-writes over eventually consistent read models: waits until a listener's checkpoint
 * reached a position (a command's {@code Event-Position}), bounded by
 * {@code pgevents.read.min-position-timeout-ms} (default 5000). The checkpoint lives in the
 * database, so this holds whichever node runs the listener.
 */
@ApplicationScoped
public class ReadYourWrites {

    private static final long FIRST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    @Resource(lookup = "jdbc/pgevents-nontx")
    DataSource dataSource;

    @Inject
    @ConfigProperty(name = "pgevents.read.min-position-timeout-ms", defaultValue = "5000")
    long timeoutMillis;

    /** Returns once the listener handled every event up to the position, else throws {@link ReadModelBehind}. */
    public void await(String listenerId, long position) {
        if (position < 0) {
            throw new IllegalArgumentException("position must not be negative");
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        long pause = FIRST_PAUSE_NANOS;
        long reached;
        while ((reached = checkpoint(listenerId)) < position) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new ReadModelBehind(listenerId, position, reached, timeoutMillis);
            }
            LockSupport.parkNanos(Math.min(pause, left));
            pause = Math.min(pause * 2, MAX_PAUSE_NANOS);
        }
    }

    private long checkpoint(String listenerId) {
        try (Connection c = dataSource.getConnection()) {
            return ListenerTables.checkpoint(c, listenerId);
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the checkpoint of listener " + listenerId, e);
        }
    }

    /** The read model did not reach the position in time. */
    public static class ReadModelBehind extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public ReadModelBehind(String listenerId, long wanted, long reached, long timeoutMillis) {
            super("read model " + listenerId + " has handled events up to position " + Math.max(reached, 0)
                    + ", not yet " + wanted + ", after " + timeoutMillis + " ms; retry later");
        }
    }
}
