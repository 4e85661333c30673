package dev.pgevents.platform;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies the schema migrations before the application serves anything: first the framework's
 * ({@code db/migration}, history {@code flyway_schema_history}), then the application's (the
 * locations of {@code pgevents.schema.application-locations}, history
 * {@code flyway_application_history}), so the framework's sequence never mixes with a domain's
 * tables and could ship in a jar of its own. Flyway holds a PostgreSQL advisory lock while it
 * migrates, so servers starting at once apply each migration exactly once; an already migrated
 * schema is left as it is. Beans that need the schema at start-up declare
 * {@code @DependsOn("SchemaMigrations")}.
 */
@Singleton
@Startup
public class SchemaMigrations {

    private static final Logger LOG = Logger.getLogger(SchemaMigrations.class.getName());

    /**
     * Where the framework's migrations live. Liberty's class loader resolves a classpath folder
     * only through a file in it, hence the empty {@code flyway.location} markers in every location
     * and in {@code db/callback}, which Flyway always scans (Flyway's WebSphere rule).
     */
    public static final String MIGRATIONS = "classpath:db/migration";
    public static final String APPLICATION_HISTORY = "flyway_application_history";

    @Resource(lookup = "jdbc/pgevents-nontx")
    DataSource dataSource;

    @Inject
    @ConfigProperty(name = "pgevents.schema.application-locations")
    Optional<List<String>> applicationLocations;

    private volatile String schemaVersion;
    private volatile String applicationSchemaVersion;

    @PostConstruct
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    void migrate() {
        Versions versions = migrateAll(dataSource, getClass().getClassLoader(), applicationLocations.orElse(List.of()));
        schemaVersion = versions.framework();
        applicationSchemaVersion = versions.application();
    }

    /** The schema versions after migrating; application is null when the application has no migrations. */
    public record Versions(String framework, String application) {
    }

    /** Migrates the framework's schema, then the application's (when it names locations). */
    public static Versions migrateAll(DataSource dataSource, ClassLoader loader, List<String> applicationLocations) {
        forgetMovedCoursesMigration(dataSource);
        String framework = migrate(framework(dataSource, loader), "Framework");
        String application = applicationLocations.isEmpty() ? null
                : migrate(application(dataSource, loader, applicationLocations), "Application");
        return new Versions(framework, application);
    }

    /** The framework's migrations. */
    public static Flyway framework(DataSource dataSource, ClassLoader loader) {
        return Flyway.configure(loader).dataSource(dataSource)
                .locations(MIGRATIONS).skipDefaultCallbacks(true).failOnMissingLocations(true)
                .load();
    }

    /**
     * An application's migrations, in a history of their own. The schema is never empty (the
     * framework's tables are there), so a new history starts from a baseline at version 0.
     */
    public static Flyway application(DataSource dataSource, ClassLoader loader, List<String> locations) {
        return Flyway.configure(loader).dataSource(dataSource)
                .locations(locations.toArray(String[]::new)).table(APPLICATION_HISTORY)
                .baselineOnMigrate(true).baselineVersion("0").skipDefaultCallbacks(true).failOnMissingLocations(true)
                .load();
    }

    private static String migrate(Flyway flyway, String which) {
        MigrateResult result = flyway.migrate();
        String version = result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
        LOG.info(() -> which + " schema at version " + version + " (" + result.migrationsExecuted
                + " migration(s) applied now)");
        return version;
    }

    /**
     * The courses tables were the framework's V4 until the application got migrations of its own
     * (now its V1, idempotent). A database migrated before that still lists V4 in the framework's
     * history, which Flyway would refuse as "applied but not resolved": forget that one row.
     */
    private static void forgetMovedCoursesMigration(DataSource dataSource) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("DO $$ BEGIN IF to_regclass('flyway_schema_history') IS NOT NULL THEN "
                    + "DELETE FROM flyway_schema_history WHERE version = '4' AND script = 'V4__courses_read_models.sql'; "
                    + "END IF; END $$");
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the schema history: " + e.getMessage(), e);
        }
    }

    /** The framework schema's version. */
    public String schemaVersion() {
        return schemaVersion;
    }

    /** The application schema's version, null when the application has no migrations. */
    public String applicationSchemaVersion() {
        return applicationSchemaVersion;
    }
}
