package dev.pgevents.testsupport;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** A fresh database with the event store schema migrated. */
public final class EventStoreFixture {

    private EventStoreFixture() {
    }

    /** Drops and recreates the database, runs the Flyway migrations, returns a plain data source. */
    public static DataSource migrated(String database) {
        DataSource ds = TestDatabase.fresh(database);
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        return ds;
    }
}
