package dev.pgevents.cdc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Optional;

/** Every statement on {@code cdc_operator} and the replication slot's row in {@code pg_replication_slots}. */
final class OperatorTables {

    static final String RUNNING = "RUNNING";
    static final String STOPPED = "STOPPED";

    private OperatorTables() {
    }

    /** An operator's row. */
    record Row(long appliedLsn, String status, int attempts, String lastError) {
    }

    /** The slot's row: confirmed LSN, WAL it retains (bytes from its restart LSN to the current one), lag of the confirmed LSN. */
    record Slot(boolean active, long confirmedLsn, long retainedWalBytes, long lagBytes, String walStatus) {
    }

    static void ensure(Connection c, Collection<String> names) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO cdc_operator (name) SELECT unnest(?::text[]) ON CONFLICT DO NOTHING")) {
            s.setArray(1, c.createArrayOf("text", names.toArray()));
            s.executeUpdate();
        }
    }

    static Optional<Row> row(Connection c, String name) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT applied_lsn, status, attempts, last_error FROM cdc_operator WHERE name = ?")) {
            s.setString(1, name);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(new Row(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getString(4)))
                        : Optional.empty();
            }
        }
    }

    /** The applied LSN, the row locked until the transaction ends (no other reader applies meanwhile). */
    static long lockApplied(Connection c, String name) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT applied_lsn FROM cdc_operator WHERE name = ? FOR UPDATE")) {
            s.setString(1, name);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("operator " + name + " has no row in cdc_operator");
                }
                return rs.getLong(1);
            }
        }
    }

    static void markApplied(Connection c, String name, long lsn) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "UPDATE cdc_operator SET applied_lsn = ?, attempts = 0, last_error = NULL, updated_at = now() WHERE name = ?")) {
            s.setLong(1, lsn);
            s.setString(2, name);
            s.executeUpdate();
        }
    }

    static void recordFailure(Connection c, String name, int attempts, String error, boolean stop) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE cdc_operator SET attempts = ?, last_error = ?, last_error_at = now(),"
                + " status = CASE WHEN ? THEN 'STOPPED' ELSE status END, updated_at = now() WHERE name = ?")) {
            s.setInt(1, attempts);
            s.setString(2, error);
            s.setBoolean(3, stop);
            s.setString(4, name);
            s.executeUpdate();
        }
    }

    /** Sets a stopped operator running again; false when there is no such operator. */
    static boolean resume(Connection c, String name) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "UPDATE cdc_operator SET status = 'RUNNING', attempts = 0, updated_at = now() WHERE name = ?")) {
            s.setString(1, name);
            return s.executeUpdate() == 1;
        }
    }

    /**
     * The LSN up to which the operator has handled every transaction: its own applied LSN, or the
     * slot's confirmed LSN when higher (the reader confirms only what every operator has handled,
     * including transactions that did not concern this one).
     */
    static long position(Connection c, String name, String slot) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT greatest(o.applied_lsn, CASE WHEN o.status = 'RUNNING' THEN"
                + " (SELECT (confirmed_flush_lsn - '0/0')::bigint FROM pg_replication_slots"
                + "  WHERE slot_name = ? AND database = current_database()) END) FROM cdc_operator o WHERE o.name = ?")) {
            s.setString(1, slot);
            s.setString(2, name);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    static Optional<Slot> slot(Connection c, String slot) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT active, coalesce((confirmed_flush_lsn - '0/0')::bigint, 0),"
                + " coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint, 0),"
                + " coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint, 0), wal_status"
                + " FROM pg_replication_slots WHERE slot_name = ? AND database = current_database()")) {
            s.setString(1, slot);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(new Slot(rs.getBoolean(1), rs.getLong(2), rs.getLong(3), rs.getLong(4),
                        rs.getString(5))) : Optional.empty();
            }
        }
    }
}
