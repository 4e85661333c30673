package dev.pgevents.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.pgevents.platform.SchemaMigrations;
import jakarta.annotation.Resource;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Runs inside Liberty: the start-up migration bean and the datasource are the real ones. */
@ExtendWith(ArquillianExtension.class)
class SchemaMigrationsIT {

    @Deployment
    static WebArchive deployment() {
        return Deployments.application();
    }

    @Inject
    SchemaMigrations migrations;

    @Resource(lookup = "jdbc/pgevents-nontx")
    DataSource dataSource;

    @Test
    void theSchemaWasMigratedAtStartUpAndMigratingAgainChangesNothing() throws Exception {
        assertNotNull(migrations.schemaVersion(), "the start-up bean ran");
        int before = countMigrations();
        var again = Flyway.configure(getClass().getClassLoader()).dataSource(dataSource)
                .locations(SchemaMigrations.MIGRATIONS).skipDefaultCallbacks(true).failOnMissingLocations(true).load().migrate();
        assertEquals(0, again.migrationsExecuted);
        assertEquals(before, countMigrations());
        assertEquals(migrations.schemaVersion(), again.targetSchemaVersion == null
                ? again.initialSchemaVersion : again.targetSchemaVersion);
    }

    private int countMigrations() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM flyway_schema_history WHERE success")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
