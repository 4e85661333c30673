package dev.pgevents.eventstore.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * What the safe watermark needs of {@code es_position_seq}: CACHE 1 (it reads the sequence's last
 * value as the highest position handed out; a cache pre-allocates values). The safe-position
 * functions refuse to answer without it (SQLSTATE PE002); {@link #check} lets the application
 * refuse to start instead.
 */
public final class PositionSequence {

    public static final String NAME = "es_position_seq";

    private PositionSequence() {
    }

    /** @throws IllegalStateException naming the sequence and the fix when its cache is not 1, or it is missing */
    public static void check(DataSource dataSource) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT s.seqcache FROM pg_sequence s"
                     + " WHERE s.seqrelid = to_regclass('" + NAME + "')");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new IllegalStateException("the event store cannot start: the sequence " + NAME
                        + " does not exist (the schema migrations did not run)");
            }
            long cache = rs.getLong(1);
            if (cache != 1) {
                throw new IllegalStateException("the event store cannot start: " + NAME + " has CACHE " + cache
                        + ", the safe position needs CACHE 1 (it reads the sequence's last value as the highest position"
                        + " handed out); fix: ALTER SEQUENCE " + NAME + " CACHE 1");
            }
        } catch (SQLException e) {
            throw JdbcEventStore.translate(e, "the position sequence check");
        }
    }
}
