package dev.pgevents.platform;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies the versioned migrations in {@code db/migration} before the application serves
 * anything. Flyway holds a PostgreSQL advisory lock while it migrates, so servers starting at
 * once apply each migration exactly once; an already migrated schema is left as it is.
 * Beans that need the schema at start-up declare {@code @DependsOn("SchemaMigrations")}.
 */
@Singleton
@Startup
public class SchemaMigrations {

    private static final Logger LOG = Logger.getLogger(SchemaMigrations.class.getName());

    @Resource(lookup = "jdbc/pgevents-nontx")
    DataSource dataSource;

    /**
     * Where the migrations live. Liberty's class loader resolves a classpath folder only through a
     * file in it, hence the empty {@code flyway.location} markers there and in {@code db/callback},
     * which Flyway always scans (Flyway's WebSphere rule).
     */
    public static final String MIGRATIONS = "classpath:db/migration";

    private volatile String schemaVersion;

    @PostConstruct
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    void migrate() {
        MigrateResult result = Flyway.configure(getClass().getClassLoader())
                .dataSource(dataSource)
                .locations(MIGRATIONS).skipDefaultCallbacks(true).failOnMissingLocations(true)
                .load()
                .migrate();
        schemaVersion = result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
        LOG.info(() -> "Database schema at version " + schemaVersion + " (" + result.migrationsExecuted
                + " migration(s) applied now)");
    }

    public String schemaVersion() {
        return schemaVersion;
    }
}
