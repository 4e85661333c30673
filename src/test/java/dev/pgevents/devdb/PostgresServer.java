package dev.pgevents.devdb;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** Where a PostgreSQL server answers, and how to log in to it. */
public record PostgresServer(String host, int port, String user, String password, String origin) {

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    public Connection connect(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        if (password != null && !password.isEmpty()) {
            props.setProperty("password", password);
        }
        props.setProperty("connectTimeout", "3");
        return DriverManager.getConnection(jdbcUrl(database), props);
    }

    /** Creates the database unless it exists; connects through the maintenance database. */
    public void ensureDatabase(String database) throws SQLException {
        try (Connection c = connect("postgres");
             var exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, database);
            try (var rs = exists.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
            try (var create = c.createStatement()) {
                create.execute("CREATE DATABASE " + quoteIdentifier(database));
            }
        }
    }

    /**
     * Drops and creates the database, so a test run starts from an empty schema. Its replication
     * slots go first (their WAL senders ended): DROP DATABASE refuses a database that has any.
     */
    public void recreateDatabase(String database) throws SQLException {
        try (Connection c = connect("postgres"); var s = c.createStatement()) {
            dropReplicationSlots(c, database);
            s.execute("DROP DATABASE IF EXISTS " + quoteIdentifier(database) + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + quoteIdentifier(database));
        }
    }

    /** The database's logical replication slots, after ending the WAL senders that use them. */
    private static void dropReplicationSlots(Connection c, String database) throws SQLException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try (var terminate = c.prepareStatement("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots"
                    + " WHERE database = ? AND active_pid IS NOT NULL");
                 var drop = c.prepareStatement("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                         + " WHERE database = ?")) {
                terminate.setString(1, database);
                terminate.execute();
                drop.setString(1, database);
                drop.execute();
                return;
            } catch (SQLException e) {
                // a terminated WAL sender releases its slot a moment later: "replication slot ... is active"
                if (!"55006".equals(e.getSQLState()) || System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    @Override
    public String toString() {
        return user + "@" + host + ":" + port + " (" + origin + ")";
    }

    private static String quoteIdentifier(String name) {
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("not a plain database name: " + name);
        }
        return '"' + name + '"';
    }
}
