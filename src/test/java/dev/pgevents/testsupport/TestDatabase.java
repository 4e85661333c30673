package dev.pgevents.testsupport;

import dev.pgevents.devdb.PostgresLocator;
import dev.pgevents.devdb.PostgresServer;
import java.nio.file.Path;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The PostgreSQL server of this test JVM (located once, see {@link PostgresLocator}) and fresh
 * databases on it.
 */
public final class TestDatabase {

    private static PostgresServer server;

    private TestDatabase() {
    }

    public static synchronized PostgresServer server() {
        if (server == null) {
            server = new PostgresLocator(System.getenv())
                    .locate(PostgresLocator.Purpose.TEST, Path.of("target", "embedded-postgres-test"));
        }
        return server;
    }

    /**
     * Drops and recreates the database (its name prefixed by the system property
     * pgevents.test.database-prefix, so two checkouts can test at once), and returns a plain
     * (non-pooled) data source on it.
     */
    public static DataSource fresh(String name) {
        String database = System.getProperty("pgevents.test.database-prefix", "") + name;
        PostgresServer s = server();
        try {
            s.recreateDatabase(database);
        } catch (SQLException e) {
            throw new IllegalStateException("could not recreate database " + database + " on " + s, e);
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(s.jdbcUrl(database));
        ds.setUser(s.user());
        ds.setPassword(s.password());
        return ds;
    }
}
