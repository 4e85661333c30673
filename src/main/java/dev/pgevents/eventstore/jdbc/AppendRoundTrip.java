package dev.pgevents.eventstore.jdbc;

import dev.pgevents.eventstore.EventStoreAccessException;
import dev.pgevents.eventstore.RawEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The statements of one or more appends, sent in one execute, and each append's outcome read
 * from the rows the insert returned ({@link JdbcEventStore#RETURNING}). A failure is told by when
 * it happened: before anything was sent (prepare, bind) or refused by PostgreSQL, nothing was
 * stored (SQLException); once sent, anything else may follow a commit ({@link OutcomeUnknown}).
 * In autocommit the statements are one implicit transaction, committed at their Sync.
 */
final class AppendRoundTrip {

    /** The statements were sent, then something failed: in autocommit, whether they committed is unknown. */
    static final class OutcomeUnknown extends Exception {
        private static final long serialVersionUID = 1L;

        OutcomeUnknown(Exception cause) {
            super(cause);
        }

        /** What the caller is told: not retryable, read first. */
        EventStoreAccessException explained(String what) {
            Exception cause = (Exception) getCause();
            String message = what + " was sent and then failed (" + cause.getMessage() + "), so whether it was stored is"
                    + " unknown: read its events to find out before appending again";
            return EventStoreAccessException.explained(message,
                    cause instanceof SQLException sql ? sql : new SQLException(message, null, cause));
        }
    }

    private AppendRoundTrip() {
    }

    /**
     * Sends the statements and reads each append's outcome: what it inserted, or null where its
     * condition kept its rows out (an append's rows are all returned or none).
     *
     * @param afterLocks  a lock step comes first: the insert's rows are the second result
     * @param customPlans planned with its values every time (a literal position in a check)
     * @param appends     each append's rows, in the order they are in the insert
     */
    static List<Inserted> run(Connection c, SqlBuilder sql, boolean afterLocks, boolean customPlans,
                              List<List<RawEvent>> appends) throws SQLException, OutcomeUnknown {
        PreparedStatement ps = c.prepareStatement(sql.sql());
        try {
            if (customPlans) {
                JdbcEventStore.customPlans(ps);
            }
            sql.bind(c, ps);
            try {
                ps.execute();
            } catch (SQLException e) {
                if (refusedByServer(e)) {
                    throw e;
                }
                throw new OutcomeUnknown(e);
            } catch (RuntimeException e) {
                throw new OutcomeUnknown(e);
            }
            try {
                if (afterLocks && !ps.getMoreResults()) {
                    throw new SQLException("the statement after the lock step returned no result set");
                }
                try (ResultSet rs = ps.getResultSet()) {
                    return outcomes(rs, appends);
                }
            } catch (SQLException | RuntimeException e) {
                throw new OutcomeUnknown(e);
            }
        } finally {
            closeQuietly(ps);
        }
    }

    /**
     * Whether PostgreSQL refused a statement, so that its transaction rolled back: the classes of
     * SQLSTATE it raises while a statement runs, before any commit (data, integrity, transaction
     * rollback, syntax or access, program limits, object state such as a lock timeout, a cancelled
     * statement, PL/pgSQL and the store's own PE codes). Any other (a lost connection, a terminated
     * backend, the driver's own errors, none) may follow the commit.
     */
    static boolean refusedByServer(SQLException e) {
        String state = e.getSQLState();
        if (state == null || state.length() != 5) {
            return false;
        }
        return switch (state.substring(0, 2)) {
            case "22", "23", "42", "54", "55", "P0", "PE" -> true;
            case "40" -> !state.equals("40003"); // statement completion unknown
            case "57" -> state.equals("57014");
            default -> false;
        };
    }

    private static List<Inserted> outcomes(ResultSet rs, List<List<RawEvent>> appends) throws SQLException {
        Map<UUID, Long> positions = new HashMap<>();
        Instant recordedAt = null;
        while (rs.next()) {
            positions.put(rs.getObject(2, UUID.class), rs.getLong(1));
            recordedAt = rs.getObject(3, OffsetDateTime.class).toInstant();
        }
        List<Inserted> out = new ArrayList<>(appends.size());
        for (List<RawEvent> rows : appends) {
            List<Long> own = new ArrayList<>(rows.size());
            for (RawEvent r : rows) {
                Long position = positions.get(r.eventId());
                if (position != null) {
                    own.add(position);
                }
            }
            if (own.isEmpty()) {
                out.add(null);
            } else if (own.size() == rows.size()) {
                out.add(new Inserted(own, recordedAt));
            } else {
                throw new IllegalStateException("the insert stored " + own.size() + " of an append's " + rows.size() + " events");
            }
        }
        return out;
    }

    static void closeQuietly(AutoCloseable resource) {
        if (resource == null) {
            return;
        }
        try {
            resource.close();
        } catch (Exception ignored) {
            // the outcome is decided; the pool checks the connection
        }
    }
}
