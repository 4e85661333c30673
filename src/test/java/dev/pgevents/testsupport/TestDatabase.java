package dev.pgevents.testsupport;

import dev.pgevents.devdb.PostgresLocator;
import dev.pgevents.devdb.PostgresServer;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The PostgreSQL server of this test JVM (located once, see {@link PostgresLocator}) and fresh
 * databases on it.
 */
public final class TestDatabase {

    private static final Logger LOG = Logger.getLogger(TestDatabase.class.getName());

    private static PostgresServer server;
    private static PostgresServer logicalServer;

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
     * A server with logical replication (wal_level=logical) for CDC tests: the usual test server if
     * it has it, else one embedded PostgreSQL per JVM started with wal_level=logical. The choice is
     * logged.
     */
    public static synchronized PostgresServer logicalServer() {
        if (logicalServer == null) {
            PostgresServer usual = server();
            String walLevel = PostgresLocator.walLevel(usual);
            if ("logical".equals(walLevel)) {
                LOG.info("CDC tests use " + usual + ": its wal_level is logical");
                logicalServer = usual;
            } else {
                LOG.info("CDC tests start an embedded PostgreSQL with wal_level=logical: " + usual + " has wal_level="
                        + walLevel);
                logicalServer = PostgresLocator.startEmbedded(null);
            }
        }
        return logicalServer;
    }

    /** {@link #fresh} on {@link #logicalServer()}. */
    public static DataSource freshLogical(String name) {
        return fresh(logicalServer(), name);
    }

    /**
     * Drops and recreates the database (its name prefixed by the system property
     * pgevents.test.database-prefix, so two checkouts can test at once), and returns a plain
     * (non-pooled) data source on it.
     */
    public static DataSource fresh(String name) {
        return fresh(server(), name);
    }

    private static DataSource fresh(PostgresServer s, String name) {
        String database = System.getProperty("pgevents.test.database-prefix", "") + name;
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
