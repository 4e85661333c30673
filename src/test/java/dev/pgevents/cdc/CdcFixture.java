package dev.pgevents.cdc;

import dev.pgevents.devdb.PostgresServer;
import dev.pgevents.platform.SchemaMigrations;
import dev.pgevents.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;

/**
 * A fresh database on a server with logical replication, the framework's schema migrated, and
 * readers started on threads of their own (stopped by {@link #close}).
 */
public final class CdcFixture implements AutoCloseable {

    public static final CdcSettings FAST = CdcSettings.defaults()
            .withRetries(3, Duration.ofMillis(10), Duration.ofMillis(40))
            .withIntervals(Duration.ofMillis(200), Duration.ofMillis(100));

    private final String database;
    private final DataSource dataSource;
    private final List<ChangeReader> readers = new ArrayList<>();

    public CdcFixture(String name) {
        database = System.getProperty("pgevents.test.database-prefix", "") + name;
        dataSource = TestDatabase.freshLogical(name);
        SchemaMigrations.framework(dataSource, getClass().getClassLoader()).migrate();
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public ReplicationConnector connector() {
        PostgresServer s = TestDatabase.logicalServer();
        return ReplicationConnector.of(s.host(), s.port(), database, s.user(), s.password());
    }

    /** A reader, once it reads the slot (changes committed from then on reach it). */
    public ChangeReader start(CdcSettings settings, OperatorDefinition... operators) {
        ChangeReader reader = launch(settings, operators);
        await(() -> reader.state() == ChangeReader.State.RUNNING, "the reader reads the slot (" + reader.reason() + ")");
        return reader;
    }

    public ChangeReader launch(CdcSettings settings, OperatorDefinition... operators) {
        ChangeReader reader = new ChangeReader(connector(), dataSource, settings, List.of(operators));
        Thread thread = new Thread(reader, "cdc-test-reader");
        thread.setDaemon(true);
        thread.start();
        readers.add(reader);
        return reader;
    }

    public void stop(ChangeReader reader) {
        if (!reader.stop(Duration.ofSeconds(10))) {
            throw new AssertionError("the reader did not stop within 10 s");
        }
        readers.remove(reader);
    }

    public void sql(String... statements) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The statements in one transaction. */
    public void transaction(String... statements) {
        sql(withTransaction(statements, "COMMIT"));
    }

    public void rolledBack(String... statements) {
        sql(withTransaction(statements, "ROLLBACK"));
    }

    private static String[] withTransaction(String[] statements, String end) {
        String[] all = new String[statements.length + 2];
        all[0] = "BEGIN";
        System.arraycopy(statements, 0, all, 1, statements.length);
        all[all.length - 1] = end;
        return all;
    }

    /** Rows of a query, each row's columns joined by '|'. */
    public List<String> rows(String query) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            List<String> rows = new ArrayList<>();
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    row.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                rows.add(row.toString());
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public long currentLsn() {
        try (Connection c = dataSource.getConnection()) {
            return ChangePositions.current(c);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The operator's position as read-your-writes sees it. */
    public long position(String operator, String slot) {
        try (Connection c = dataSource.getConnection()) {
            return OperatorTables.position(c, operator, slot);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits for the operator to reach the current WAL position (everything written so far). */
    public void awaitCaughtUp(String operator, String slot) {
        long target = currentLsn();
        await(() -> position(operator, slot) >= target, "operator " + operator + " reaches LSN " + target);
    }

    public static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after 20 s waiting until " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    /** Stops the readers and drops this database's slots: slot names are unique in the whole server. */
    @Override
    public void close() {
        for (ChangeReader r : List.copyOf(readers)) {
            stop(r);
        }
        await(() -> {
            try {
                sql("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = current_database()");
                return true;
            } catch (IllegalStateException e) {
                return false; // a WAL sender releases its slot a moment after its connection closed
            }
        }, "the slots of " + database + " are dropped");
    }
}
