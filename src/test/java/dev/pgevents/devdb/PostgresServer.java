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

    /** Drops and creates the database, so a test run starts from an empty schema. */
    public void recreateDatabase(String database) throws SQLException {
        try (Connection c = connect("postgres"); var s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + quoteIdentifier(database) + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + quoteIdentifier(database));
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
