package dev.pgevents.it.fault;

import dev.pgevents.devdb.PostgresLocator;
import dev.pgevents.devdb.PostgresServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A PostgreSQL cluster the fault suite owns (zonky's binaries from Maven Central, no local
 * installation needed): stopped and started again on the same data directory and port, so the
 * application sees its database go away and come back with everything it committed. Also used
 * by the CDC suite (dev.pgevents.it.cdc), with logical decoding on.
 */
public final class ThrowawayPostgres implements AutoCloseable {

    private final Path dataDir;
    private final Map<String, String> settings;
    private int port;
    private EmbeddedPostgres running;

    private ThrowawayPostgres(Path dataDir, Map<String, String> settings) {
        this.dataDir = dataDir;
        this.settings = settings;
    }

    /** A fresh cluster in {@code dataDir} (anything there is deleted first), on a free port. */
    static ThrowawayPostgres startFresh(Path dataDir) {
        return startFresh(dataDir, Map.of());
    }

    /** A fresh cluster as {@link #startFresh(Path)}, with wal_level=logical and replication slots. */
    public static ThrowawayPostgres startFreshWithLogicalDecoding(Path dataDir) {
        return startFresh(dataDir, PostgresLocator.LOGICAL_DECODING);
    }

    private static ThrowawayPostgres startFresh(Path dataDir, Map<String, String> settings) {
        deleteRecursively(dataDir);
        ThrowawayPostgres pg = new ThrowawayPostgres(dataDir, settings);
        pg.start();
        return pg;
    }

    /** Starts the cluster on its data directory; the first start picks the port, later ones reuse it. */
    public void start() {
        if (running != null) {
            throw new IllegalStateException("PostgreSQL is already running on port " + port);
        }
        try {
            Files.createDirectories(dataDir);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
            settings.forEach(builder::setServerConfig);
            running = builder
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    // an acknowledged commit must survive the restarts: zonky turns this off by default
                    .setServerConfig("synchronous_commit", "on")
                    // zonky's 10 s are too few on 2 busy cores after a restart with WAL senders draining
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
            port = running.getPort();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start PostgreSQL in " + dataDir, e);
        }
    }

    /** Stops the cluster (pg_ctl stop, fast mode: open sessions are terminated). */
    public void stop() {
        if (running == null) {
            return;
        }
        try {
            running.close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not stop PostgreSQL in " + dataDir, e);
        } finally {
            running = null;
        }
    }

    public PostgresServer server() {
        return new PostgresServer("localhost", port, "postgres", "", "fault suite's PostgreSQL, data in " + dataDir);
    }

    @Override
    public void close() {
        stop();
    }

    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + dir, e);
        }
    }
}
