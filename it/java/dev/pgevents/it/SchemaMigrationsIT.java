package dev.pgevents.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.pgevents.platform.SchemaMigrations;
import jakarta.annotation.Resource;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
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
        assertEquals("103", migrations.applicationSchemaVersion(), "the applications' own migrations ran (courses V1, cart V100 and V103, posts V101-V102)");
        int before = countMigrations("flyway_schema_history");
        int beforeApplication = countMigrations(SchemaMigrations.APPLICATION_HISTORY);
        var again = SchemaMigrations.framework(dataSource, getClass().getClassLoader()).migrate();
        var againApplication = SchemaMigrations.application(dataSource, getClass().getClassLoader(),
                List.of("classpath:db/courses", "classpath:db/cart", "classpath:db/posts")).migrate();
        assertEquals(0, again.migrationsExecuted + againApplication.migrationsExecuted);
        assertEquals(before, countMigrations("flyway_schema_history"));
        assertEquals(beforeApplication, countMigrations(SchemaMigrations.APPLICATION_HISTORY));
        assertEquals(migrations.schemaVersion(), again.targetSchemaVersion == null
                ? again.initialSchemaVersion : again.targetSchemaVersion);
    }

    @Test
    void theFrameworkHistoryHoldsNoApplicationTable() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM flyway_schema_history WHERE script ILIKE '%course%'")) {
            rs.next();
            assertEquals(0, rs.getInt(1));
        }
    }

    private int countMigrations(String history) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + history + " WHERE success")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
