package dev.pgevents.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pgevents.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The framework's and the application's migrations, each in its own history. */
class SchemaMigrationsTest {

    private static final List<String> COURSES = List.of("classpath:db/courses");
    private final ClassLoader loader = getClass().getClassLoader();

    @Test
    void aFreshDatabaseGetsBothSchemasInSeparateHistories() throws SQLException {
        DataSource ds = TestDatabase.fresh("schema_fresh_test");

        SchemaMigrations.Versions versions = SchemaMigrations.migrateAll(ds, loader, COURSES);

        assertEquals("1", versions.application());
        assertEquals(0, count(ds, "SELECT count(*) FROM flyway_schema_history WHERE script ILIKE '%course%'"));
        assertEquals(1, count(ds, "SELECT count(*) FROM flyway_application_history WHERE version = '1' AND success"));
        assertEquals(1, count(ds, "SELECT count(*) FROM pg_tables WHERE tablename = 'course_view'"));
    }

    @Test
    void aDatabaseMigratedBeforeTheSplitKeepsItsCoursesAndMigrates() throws SQLException {
        DataSource ds = TestDatabase.fresh("schema_upgrade_test");
        SchemaMigrations.framework(ds, loader).migrate();
        // the state left by the framework's former V4: the courses tables and their history row
        exec(ds, "CREATE TABLE course_view (course_id text PRIMARY KEY, name text NOT NULL, capacity integer NOT NULL,"
                + " subscribers integer NOT NULL, closed boolean NOT NULL, last_event_position bigint NOT NULL)");
        exec(ds, "INSERT INTO course_view VALUES ('algebra', 'Algebra', 10, 3, false, 42)");
        exec(ds, "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum,"
                + " installed_by, execution_time, success) VALUES ((SELECT max(installed_rank) + 1 FROM flyway_schema_history),"
                + " '4', 'courses read models', 'SQL', 'V4__courses_read_models.sql', 123, 'postgres', 1, true)");

        SchemaMigrations.Versions versions = SchemaMigrations.migrateAll(ds, loader, COURSES);

        assertEquals("1", versions.application());
        assertEquals(0, count(ds, "SELECT count(*) FROM flyway_schema_history WHERE version = '4'"));
        assertEquals(3, count(ds, "SELECT subscribers FROM course_view WHERE course_id = 'algebra'"));
        assertEquals(1, count(ds, "SELECT count(*) FROM pg_tables WHERE tablename = 'student_view_course'"));
    }

    @Test
    void withoutApplicationLocationsOnlyTheFrameworkMigrates() throws SQLException {
        DataSource ds = TestDatabase.fresh("schema_framework_test");

        SchemaMigrations.Versions versions = SchemaMigrations.migrateAll(ds, loader, List.of());

        assertEquals(null, versions.application());
        assertEquals(0, count(ds, "SELECT count(*) FROM pg_tables WHERE tablename IN ('course_view', 'flyway_application_history')"));
    }

    private static void exec(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static int count(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
