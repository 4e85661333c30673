package dev.pgevents.listener.cdi;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The LISTEN side of the cross-node wake-up: one dedicated connection (non-JTA data source) that
 * LISTENs on the channel and wakes this node's listeners when another node's NOTIFY arrives.
 * A notification is only a wake-up; the events come from the store. After an error (database
 * restart) it reconnects with exponential backoff; meanwhile the poll timers keep the listeners
 * going.
 *
 * <p>The driver is a Liberty shared library that the application's class loader does not see, so
 * {@code org.postgresql.PGConnection} is loaded from the driver's own class loader (found through
 * a driver object the container does not wrap: a {@link java.sql.Array}) and called reflectively.
 */
final class NotificationLoop {

    private static final Logger LOG = Logger.getLogger(NotificationLoop.class.getName());

    private final DataSource dataSource;
    private final String channel;
    private final String node;
    private final Runnable wake;
    private final Duration maxBackoff;
    private volatile boolean stopped;
    private volatile long failures;

    NotificationLoop(DataSource dataSource, String channel, String node, Runnable wake, Duration maxBackoff) {
        this.dataSource = dataSource;
        this.channel = channel;
        this.node = node;
        this.wake = wake;
        this.maxBackoff = maxBackoff;
    }

    void stop() {
        stopped = true;
    }

    /** Delay before the next {@link #run}: 0 after a clean run, growing after failures. */
    long nextStartDelayMillis() {
        if (failures == 0) {
            return 1;
        }
        double ms = 250 * Math.pow(2, Math.min(16, failures - 1));
        return (long) Math.min(ms, maxBackoff.toMillis());
    }

    /** LISTENs for up to {@code duration} (then the caller starts it again); returns early on errors or stop. */
    void run(Duration duration, BooleanSupplier running) {
        long end = System.nanoTime() + duration.toNanos();
        try (Connection c = dataSource.getConnection()) {
            Driver pg = Driver.of(c);
            try (Statement s = c.createStatement()) {
                s.execute("LISTEN " + channel);
            }
            if (failures > 0) {
                LOG.info(() -> "LISTEN connection is back after " + failures + " failed attempt(s)");
                wake.run(); // events may have been appended while we were away
            }
            failures = 0;
            long validated = System.nanoTime();
            while (!stopped && running.getAsBoolean() && System.nanoTime() - end < 0) {
                boolean fromElsewhere = false;
                for (String payload : pg.notifications(500)) {
                    fromElsewhere |= !node.equals(payload);
                }
                if (fromElsewhere) {
                    wake.run();
                }
                if (System.nanoTime() - validated > 10_000_000_000L) {
                    if (!c.isValid(5)) { // a half-open TCP connection raises nothing by itself
                        throw new SQLException("LISTEN connection is no longer valid");
                    }
                    validated = System.nanoTime();
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute("UNLISTEN *");
            }
        } catch (SQLException | RuntimeException e) {
            failures++;
            if (failures == 1 || failures % 20 == 0) {
                LOG.log(Level.WARNING, "LISTEN connection failed (" + failures + " time(s)); reconnecting in "
                        + nextStartDelayMillis() + " ms; the poll timers keep the listeners going: " + e);
            }
        }
    }

    /** Reflective access to org.postgresql.PGConnection of the driver's class loader. */
    private record Driver(Object connection, Method getNotifications, Method getParameter) {

        static Driver of(Connection c) throws SQLException {
            try {
                ClassLoader loader;
                Array probe = c.createArrayOf("int4", new Object[0]);
                try {
                    loader = probe.getClass().getClassLoader();
                } finally {
                    probe.free();
                }
                Class<?> pgConnection = Class.forName("org.postgresql.PGConnection", true, loader);
                Class<?> pgNotification = Class.forName("org.postgresql.PGNotification", true, loader);
                return new Driver(c.unwrap(pgConnection), pgConnection.getMethod("getNotifications", int.class),
                        pgNotification.getMethod("getParameter"));
            } catch (ReflectiveOperationException e) {
                throw new SQLException("not a PostgreSQL JDBC connection: " + e, e);
            }
        }

        /** Waits up to {@code timeoutMillis} for notifications; their payloads. */
        java.util.List<String> notifications(int timeoutMillis) throws SQLException {
            try {
                Object[] notes = (Object[]) getNotifications.invoke(connection, timeoutMillis);
                if (notes == null || notes.length == 0) {
                    return java.util.List.of();
                }
                java.util.List<String> out = new java.util.ArrayList<>(notes.length);
                for (Object n : notes) {
                    out.add((String) getParameter.invoke(n));
                }
                return out;
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof SQLException sql) {
                    throw sql;
                }
                throw new SQLException("reading notifications failed: " + e.getCause(), e.getCause());
            } catch (IllegalAccessException e) {
                throw new SQLException(e);
            }
        }
    }
}
