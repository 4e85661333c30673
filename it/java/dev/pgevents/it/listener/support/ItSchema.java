package dev.pgevents.it.listener.support;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/** Tables of the test read models (test-only: created by the test deployment, not by migrations). */
public final class ItSchema {

    private ItSchema() {
    }

    public static void ensure(DataSource nonTx) {
        try (Connection c = nonTx.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS it_counter_summary (counter_id text PRIMARY KEY, total bigint NOT NULL,"
                    + " events integer NOT NULL, last_event_position bigint NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS it_bench_counter (counter_id text PRIMARY KEY, total bigint NOT NULL,"
                    + " events integer NOT NULL, last_event_position bigint NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS it_claimed_name (name text PRIMARY KEY, position bigint NOT NULL)");
        } catch (SQLException e) {
            throw new IllegalStateException("test tables: " + e.getMessage(), e);
        }
    }
}
