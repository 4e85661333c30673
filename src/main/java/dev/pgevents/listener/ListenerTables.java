package dev.pgevents.listener;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Every SQL statement on the listener tables: {@code es_listener} (one checkpoint row per listener:
 * position, status, retry state, lease) and {@code es_listener_parked} (dead letters). Each method
 * runs on the connection it is given, so the caller decides the transaction: the engine's steps
 * and admin operations run in one, the gauges and checks outside any. Schema:
 * {@code db/migration/V2__listeners.sql}.
 */
public final class ListenerTables {

    private static final String RUNNING_AGAIN = "status = CASE WHEN status = 'FAILED' THEN 'RUNNING' ELSE status END";
    private static final String NO_RETRY_STATE = "error_position = NULL, attempts = 0, retry_at = NULL";

    private ListenerTables() {
    }

    /**
     * A checkpoint row as a step sees it under its row lock.
     *
     * @param retryWaitMillis how long until the failing event's next attempt is due (0: now)
     * @param leaseMine       the node that locked the row holds an unexpired lease
     */
    record Row(long position, ListenerStatus status, Long errorPosition, int attempts, long retryWaitMillis,
               boolean leaseMine) {

        boolean failedAt(long position) {
            return errorPosition != null && errorPosition == position;
        }
    }


    // ------------------------------------------------------------------------ checkpoint rows

    static void createIfMissing(Connection c, String id) throws SQLException {
        update(c, "INSERT INTO es_listener (listener_id) VALUES (?) ON CONFLICT (listener_id) DO NOTHING", id);
    }

    /** Locks the row ({@code FOR UPDATE}); null when the listener has none. */
    static Row lock(Connection c, String id, String node) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT position, status, error_position, attempts,"
                        + " greatest(0, ceil(extract(epoch FROM (retry_at - clock_timestamp())) * 1000))::bigint,"
                        + " lease_owner, lease_until > clock_timestamp()"
                        + " FROM es_listener WHERE listener_id = ? FOR UPDATE")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return new Row(rs.getLong(1), ListenerStatus.valueOf(rs.getString(2)), nullableLong(rs, 3), rs.getInt(4),
                        rs.getLong(5), node.equals(rs.getString(6)) && rs.getBoolean(7));
            }
        }
    }

    /** The checkpoint of a listener, or -1 when it has no row. */
    public static long checkpoint(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT position FROM es_listener WHERE listener_id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    /** The lag in positions (safe position - checkpoint, at least 0), or -1 when the listener has no row. */
    public static long lag(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT greatest(0, es_safe_position() - position) FROM es_listener WHERE listener_id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    /** The ids of the listeners among {@code ids} stopped on an error (status FAILED), sorted: what readiness reports. */
    public static List<String> stopped(Connection c, List<String> ids) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT listener_id FROM es_listener"
                + " WHERE status = 'FAILED' AND listener_id = ANY (?) ORDER BY listener_id")) {
            ps.setArray(1, c.createArrayOf("text", ids.toArray()));
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }

    /**
     * The listeners as the admin API shows them (one when {@code id} is given, else all), with the
     * store's safe position as their head.
     */
    static List<ListenerInfo> infos(Connection c, String id, Predicate<String> registeredHere) throws SQLException {
        long head;
        try (PreparedStatement ps = c.prepareStatement("SELECT es_safe_position()"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            head = rs.getLong(1);
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT l.listener_id, l.position, l.status, l.last_error, l.last_error_at, l.error_position, l.attempts,"
                        + " l.retry_at, l.lease_owner, l.lease_until,"
                        + " (SELECT count(*) FROM es_listener_parked p WHERE p.listener_id = l.listener_id)"
                        + " FROM es_listener l" + (id == null ? "" : " WHERE l.listener_id = ?")
                        + " ORDER BY l.listener_id")) {
            if (id != null) {
                ps.setString(1, id);
            }
            List<ListenerInfo> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String lid = rs.getString(1);
                    long position = rs.getLong(2);
                    out.add(new ListenerInfo(lid, position, head, Math.max(0, head - position),
                            ListenerStatus.valueOf(rs.getString(3)), rs.getString(4), instant(rs.getTimestamp(5)),
                            nullableLong(rs, 6), rs.getInt(7), instant(rs.getTimestamp(8)), rs.getString(9),
                            instant(rs.getTimestamp(10)), rs.getLong(11), registeredHere.test(lid)));
                }
            }
            return out;
        }
    }

    /**
     * A committed batch: the checkpoint moves to {@code position} and the lease is renewed; with
     * {@code clearRetryState} the failing event's retry state goes too.
     */
    static void advance(Connection c, String id, long position, long leaseMillis, boolean clearRetryState)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE es_listener SET position = ?, updated_at = clock_timestamp(),"
                + " lease_until = clock_timestamp() + ? * interval '1 millisecond'"
                + (clearRetryState ? ", " + NO_RETRY_STATE : "") + " WHERE listener_id = ?")) {
            ps.setLong(1, position);
            ps.setLong(2, leaseMillis);
            ps.setString(3, id);
            ps.executeUpdate();
        }
    }

    /** An event failed an attempt: its next one is due after the backoff. */
    static void scheduleRetry(Connection c, String id, long position, int attempts, long backoffMillis, String error)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE es_listener SET error_position = ?, attempts = ?,"
                + " retry_at = clock_timestamp() + ? * interval '1 millisecond',"
                + " last_error = ?, last_error_at = clock_timestamp(), updated_at = clock_timestamp()"
                + " WHERE listener_id = ?")) {
            ps.setLong(1, position);
            ps.setInt(2, attempts);
            ps.setLong(3, backoffMillis);
            ps.setString(4, error);
            ps.setString(5, id);
            ps.executeUpdate();
        }
    }

    /** Policy STOP: the listener stops (FAILED) before the event it parked. */
    static void stopAt(Connection c, String id, long position, int attempts, String error) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE es_listener SET status = 'FAILED', error_position = ?,"
                + " attempts = ?, retry_at = NULL, last_error = ?, last_error_at = clock_timestamp(),"
                + " updated_at = clock_timestamp() WHERE listener_id = ?")) {
            ps.setLong(1, position);
            ps.setInt(2, attempts);
            ps.setString(3, error);
            ps.setString(4, id);
            ps.executeUpdate();
        }
    }

    /** Policy PARK: the checkpoint moves onto the event it parked and the listener goes on. */
    static void goOnAfter(Connection c, String id, long position, String error) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE es_listener SET position = ?, " + NO_RETRY_STATE + ","
                + " last_error = ?, last_error_at = clock_timestamp(), updated_at = clock_timestamp()"
                + " WHERE listener_id = ?")) {
            ps.setLong(1, position);
            ps.setString(2, error);
            ps.setString(3, id);
            ps.executeUpdate();
        }
    }

    /** Status PAUSED; false when the listener has no row. */
    static boolean pause(Connection c, String id) throws SQLException {
        return update(c, "UPDATE es_listener SET status = 'PAUSED', updated_at = clock_timestamp() WHERE listener_id = ?",
                id) > 0;
    }

    /** Status RUNNING, a failing event gets a fresh set of attempts at once; false when the listener has no row. */
    static boolean resume(Connection c, String id) throws SQLException {
        return update(c, "UPDATE es_listener SET status = 'RUNNING', attempts = 0, retry_at = NULL,"
                + " updated_at = clock_timestamp() WHERE listener_id = ?", id) > 0;
    }

    /** The checkpoint moves to the position; retry state goes; a stopped listener runs again. */
    static void resetTo(Connection c, String id, long position) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE es_listener SET position = ?, " + NO_RETRY_STATE + ", "
                + RUNNING_AGAIN + ", updated_at = clock_timestamp() WHERE listener_id = ?")) {
            ps.setLong(1, position);
            ps.setString(2, id);
            ps.executeUpdate();
        }
    }

    /** The failing event at the position is skipped: the checkpoint moves past it, a stopped listener runs again. */
    static void skipFailing(Connection c, String id, long position) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE es_listener SET position = greatest(position, ?), "
                + NO_RETRY_STATE + ", " + RUNNING_AGAIN + ", updated_at = clock_timestamp() WHERE listener_id = ?")) {
            ps.setLong(1, position);
            ps.setString(2, id);
            ps.executeUpdate();
        }
    }

    // ------------------------------------------------------------------------ leases

    /** Takes the lease when free or expired, renews it when {@code node} holds it; says whether it holds it now. */
    static boolean takeLease(Connection c, String id, String node, long leaseMillis) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE es_listener SET lease_owner = ?, lease_until = clock_timestamp() + ? * interval '1 millisecond'"
                        + " WHERE listener_id = (SELECT listener_id FROM es_listener WHERE listener_id = ?"
                        + " AND (lease_owner = ? OR lease_owner IS NULL OR lease_until < clock_timestamp())"
                        + " FOR UPDATE SKIP LOCKED)")) {
            ps.setString(1, node);
            ps.setLong(2, leaseMillis);
            ps.setString(3, id);
            ps.setString(4, node);
            return ps.executeUpdate() == 1;
        }
    }

    static void releaseLeases(Connection c, String node) throws SQLException {
        update(c, "UPDATE es_listener SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ?", node);
    }

    // ------------------------------------------------------------------------ parked events

    /** Parks an event, or adds the attempts and the new error to the one already parked there. */
    static void park(Connection c, String id, long position, UUID eventId, String type, String error, int attempts)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO es_listener_parked (listener_id, position, event_id, type, error, attempts)"
                        + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (listener_id, position) DO UPDATE"
                        + " SET error = excluded.error, attempts = es_listener_parked.attempts + excluded.attempts,"
                        + " parked_at = now()")) {
            ps.setString(1, id);
            ps.setLong(2, position);
            ps.setObject(3, eventId);
            ps.setString(4, type);
            ps.setString(5, error);
            ps.setInt(6, attempts);
            ps.executeUpdate();
        }
    }

    static List<ParkedEvent> parked(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT p.position, p.event_id, p.type, p.error, p.attempts, p.parked_at,"
                + " e.metadata->>'correlationId', e.metadata->>'causationId'"
                + " FROM es_listener_parked p LEFT JOIN es_event e ON e.position = p.position"
                + " WHERE p.listener_id = ? ORDER BY p.position")) {
            ps.setString(1, id);
            List<ParkedEvent> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new ParkedEvent(id, rs.getLong(1), rs.getObject(2, UUID.class), rs.getString(3),
                            rs.getString(4), rs.getInt(5), instant(rs.getTimestamp(6)), rs.getString(7), rs.getString(8)));
                }
            }
            return out;
        }
    }

    static boolean isParked(Connection c, String id, long position) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM es_listener_parked WHERE listener_id = ? AND position = ?")) {
            ps.setString(1, id);
            ps.setLong(2, position);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Removes a parked event; false when there was none at the position. */
    static boolean unpark(Connection c, String id, long position) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM es_listener_parked WHERE listener_id = ? AND position = ?")) {
            ps.setString(1, id);
            ps.setLong(2, position);
            return ps.executeUpdate() > 0;
        }
    }

    static void unparkAfter(Connection c, String id, long position) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM es_listener_parked WHERE listener_id = ? AND position > ?")) {
            ps.setString(1, id);
            ps.setLong(2, position);
            ps.executeUpdate();
        }
    }

    /** A parked event failed again when retried: one more attempt, the new error. */
    static void failedAgain(Connection c, String id, long position, String error) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE es_listener_parked SET error = ?, attempts = attempts + 1,"
                + " parked_at = now() WHERE listener_id = ? AND position = ?")) {
            ps.setString(1, error);
            ps.setString(2, id);
            ps.setLong(3, position);
            ps.executeUpdate();
        }
    }

    // ------------------------------------------------------------------------ helpers

    private static int update(Connection c, String sql, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, id);
            return ps.executeUpdate();
        }
    }

    private static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
