package dev.pgevents.processor;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every SQL statement on {@code es_task} (schema {@code db/migration/V21__processor_tasks.sql}).
 * Each method runs on the connection it is given, so the caller decides the transaction. Times
 * are the database's ({@code clock_timestamp()}), so nodes with skewed clocks agree on leases.
 */
final class TaskTables {

    private static final String FENCE = " task_id = ? AND status = 'RUNNING' AND claimed_by = ? AND attempts = ?";
    private static final String INFO_COLUMNS = "task_id, type, arguments::text, triggering_position, status, attempts,"
            + " run_at, claimed_by, lease_until, last_error, last_error_at, enqueued_at, finished_at";

    private TaskTables() {
    }

    /**
     * Claims up to {@code max} tasks of a type: running ones whose lease expired (their worker
     * died) first, then due queued ones, oldest due first. {@code SKIP LOCKED} lets workers on
     * several nodes claim at once without waiting for or taking each other's rows; the row lock and
     * the re-checked condition make sure no task is claimed twice. Two statements, each walking its
     * own partial index in order (a volatile time or an OR would make PostgreSQL sort every
     * queued task of the type on each claim).
     */
    static List<Task> claim(Connection c, String type, int max, String node, long leaseMillis) throws SQLException {
        List<Task> out = claim(c, "status = 'RUNNING' AND lease_until < now() ORDER BY lease_until",
                type, max, node, leaseMillis);
        if (out.size() < max) {
            out.addAll(claim(c, "status = 'QUEUED' AND run_at <= now() ORDER BY run_at, task_id",
                    type, max - out.size(), node, leaseMillis));
        }
        out.sort((a, b) -> Long.compare(a.id(), b.id()));
        return out;
    }

    private static List<Task> claim(Connection c, String claimable, String type, int max, String node, long leaseMillis)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE es_task t SET status = 'RUNNING', claimed_by = ?,"
                + " attempts = t.attempts + 1, lease_until = clock_timestamp() + ? * interval '1 millisecond'"
                + " FROM (SELECT task_id FROM es_task WHERE type = ? AND " + claimable
                + "   LIMIT ? FOR UPDATE SKIP LOCKED) due"
                + " WHERE t.task_id = due.task_id"
                + " RETURNING t.task_id, t.type, t.arguments::text, t.triggering_position, t.attempts, t.enqueued_at")) {
            ps.setString(1, node);
            ps.setLong(2, leaseMillis);
            ps.setString(3, type);
            ps.setInt(4, max);
            List<Task> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Task(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getInt(5),
                            rs.getTimestamp(6).toInstant()));
                }
            }
            return out;
        }
    }

    /**
     * Marks a task DONE if this worker still owns this attempt (the fence); returns the latency in
     * milliseconds since the enqueue, or -1 when the task was taken over or changed by an operator.
     */
    static long complete(Connection c, Task task, String node) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE es_task SET status = 'DONE', lease_until = NULL,"
                + " finished_at = clock_timestamp() WHERE" + FENCE
                + " RETURNING (extract(epoch FROM clock_timestamp() - enqueued_at) * 1000)::bigint")) {
            fence(ps, 1, task, node);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Math.max(0, rs.getLong(1)) : -1;
            }
        }
    }

    /**
     * Locks the row of an attempt that failed, if this worker still owns it; returns the task's
     * age in milliseconds (since the enqueue), or -1 when the task was taken over or changed.
     */
    static long lockOwned(Connection c, Task task, String node) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT (extract(epoch FROM clock_timestamp() - enqueued_at) * 1000)::bigint FROM es_task WHERE" + FENCE
                        + " FOR UPDATE")) {
            fence(ps, 1, task, node);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Math.max(0, rs.getLong(1)) : -1;
            }
        }
    }

    /** A failed attempt with attempts left: queued again, due after the delay. */
    static void scheduleRetry(Connection c, long id, long delayMillis, String error) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE es_task SET status = 'QUEUED', claimed_by = NULL,"
                + " lease_until = NULL, last_error = ?, last_error_at = clock_timestamp(),"
                + " run_at = clock_timestamp() + ? * interval '1 millisecond' WHERE task_id = ?")) {
            ps.setString(1, error);
            ps.setLong(2, delayMillis);
            ps.setLong(3, id);
            ps.executeUpdate();
        }
    }

    /** The task failed for good. */
    static void markFailed(Connection c, long id, String error) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE es_task SET status = 'FAILED', lease_until = NULL,"
                + " last_error = ?, last_error_at = clock_timestamp(), finished_at = clock_timestamp()"
                + " WHERE task_id = ?")) {
            ps.setString(1, error);
            ps.setLong(2, id);
            ps.executeUpdate();
        }
    }

    /** Extends the leases of this node's running tasks among {@code ids}; returns how many it renewed. */
    static int renew(Connection c, List<Long> ids, String node, long leaseMillis) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE es_task SET lease_until = clock_timestamp()"
                + " + ? * interval '1 millisecond' WHERE task_id = ANY (?) AND status = 'RUNNING' AND claimed_by = ?")) {
            ps.setLong(1, leaseMillis);
            ps.setArray(2, c.createArrayOf("bigint", ids.toArray()));
            ps.setString(3, node);
            return ps.executeUpdate();
        }
    }

    /**
     * A node stopping hands its running tasks back: queued again, due now, the interrupted attempt
     * not counted. A handler that still completes later is fenced out (the claim is gone).
     */
    static int release(Connection c, String node) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE es_task SET status = 'QUEUED', claimed_by = NULL,"
                + " lease_until = NULL, attempts = greatest(0, attempts - 1), run_at = clock_timestamp()"
                + " WHERE status = 'RUNNING' AND claimed_by = ?")) {
            ps.setString(1, node);
            return ps.executeUpdate();
        }
    }

    /**
     * Deletes up to {@code limit} DONE tasks of the type that finished more than the retention
     * ago; rows another transaction holds (an operator, another node's clean-up) are skipped.
     */
    static int deleteDone(Connection c, String type, long retentionMillis, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM es_task WHERE task_id IN (SELECT task_id FROM es_task"
                + " WHERE type = ? AND status = 'DONE' AND finished_at < clock_timestamp() - ? * interval '1 millisecond'"
                + " LIMIT ? FOR UPDATE SKIP LOCKED)")) {
            ps.setString(1, type);
            ps.setLong(2, retentionMillis);
            ps.setInt(3, limit);
            return ps.executeUpdate();
        }
    }

    // ---------------------------------------------------------------------------- admin and gauges

    static List<TaskInfo> list(Connection c, TaskStatus status, String type, int limit) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT " + INFO_COLUMNS + " FROM es_task WHERE true");
        List<Object> params = new ArrayList<>();
        if (status != null) {
            sql.append(" AND status = ?");
            params.add(status.name());
        }
        if (type != null) {
            sql.append(" AND type = ?");
            params.add(type);
        }
        sql.append(" ORDER BY task_id LIMIT ?");
        params.add(limit);
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < params.size(); i++) {
                ps.setObject(i + 1, params.get(i));
            }
            List<TaskInfo> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(info(rs));
                }
            }
            return out;
        }
    }

    /** One task, locked when {@code forUpdate}; null when there is none. */
    static TaskInfo find(Connection c, long id, boolean forUpdate) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + INFO_COLUMNS + " FROM es_task WHERE task_id = ?"
                + (forUpdate ? " FOR UPDATE" : ""))) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? info(rs) : null;
            }
        }
    }

    /** True while the task's lease has not expired. */
    static boolean leaseValid(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT coalesce(lease_until > clock_timestamp(), false) FROM es_task WHERE task_id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** Queued again with a fresh set of attempts, due now. */
    static void requeue(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE es_task SET status = 'QUEUED', attempts = 0,"
                + " run_at = clock_timestamp(), claimed_by = NULL, lease_until = NULL, finished_at = NULL"
                + " WHERE task_id = ?")) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }

    static void delete(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM es_task WHERE task_id = ?")) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }

    /** Tasks per type and status, of the given types, for the queued, running and failed gauges. */
    static Map<String, Map<TaskStatus, Long>> counts(Connection c, List<String> types) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT type, status, count(*) FROM es_task"
                + " WHERE type = ANY (?) AND status IN ('QUEUED', 'RUNNING', 'FAILED') GROUP BY type, status")) {
            Array array = c.createArrayOf("text", types.toArray());
            ps.setArray(1, array);
            Map<String, Map<TaskStatus, Long>> out = new HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), k -> new HashMap<>())
                            .put(TaskStatus.valueOf(rs.getString(2)), rs.getLong(3));
                }
            }
            return out;
        }
    }

    private static void fence(PreparedStatement ps, int from, Task task, String node) throws SQLException {
        ps.setLong(from, task.id());
        ps.setString(from + 1, node);
        ps.setInt(from + 2, task.attempt());
    }

    private static TaskInfo info(ResultSet rs) throws SQLException {
        return new TaskInfo(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                TaskStatus.valueOf(rs.getString(5)), rs.getInt(6), instant(rs.getTimestamp(7)), rs.getString(8),
                instant(rs.getTimestamp(9)), rs.getString(10), instant(rs.getTimestamp(11)), instant(rs.getTimestamp(12)),
                instant(rs.getTimestamp(13)));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
