package dev.pgevents.processor;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * What an operator does with tasks (the admin API's operations): list them (by status and type),
 * look at one, retry one (queued again, due now, with a fresh set of attempts), delete one. Each
 * change locks the task's row, so it waits for a claim or an outcome being recorded; a running
 * task can be neither retried nor deleted while its lease is valid (its worker's outcome would be
 * fenced out, but its effect may already have happened); once the lease expired (its node died) it can.
 */
public final class TaskAdmin {

    public static final int MAX_LIST = 1000;

    private final TaskWorker worker;

    public TaskAdmin(TaskWorker worker) {
        this.worker = worker;
    }

    /**
     * Tasks in id order, at most {@code limit} (1 to {@value #MAX_LIST}).
     *
     * @param status null for any
     * @param type   null for any
     */
    public List<TaskInfo> list(TaskStatus status, String type, int limit) {
        if (limit < 1 || limit > MAX_LIST) {
            throw new IllegalArgumentException("limit must be within 1.." + MAX_LIST + ", not " + limit);
        }
        return worker.inTransaction(c -> TaskTables.list(c, status, type, limit));
    }

    public TaskInfo info(long id) {
        TaskInfo info = worker.inTransaction(c -> TaskTables.find(c, id, false));
        if (info == null) {
            throw new TaskNotFoundException(id);
        }
        return info;
    }

    /** A failed or queued task is queued again, due now, with a fresh set of attempts. */
    public TaskInfo retry(long id) {
        return worker.inTransaction(c -> {
            TaskInfo t = changeable(c, id, "retried");
            if (t.status() == TaskStatus.DONE) {
                throw new TaskStateException("task " + id + " is done; it cannot be retried");
            }
            TaskTables.requeue(c, id);
            return TaskTables.find(c, id, false);
        });
    }

    /** Removes a task that is not running. Deleting a done task lets the same (type, position) be enqueued again. */
    public void delete(long id) {
        worker.inTransaction(c -> {
            changeable(c, id, "deleted");
            TaskTables.delete(c, id);
            return null;
        });
    }

    /** Queued, running and failed tasks per type, for the given types. */
    public Map<String, Map<TaskStatus, Long>> counts(List<String> types) {
        return worker.inTransaction(c -> TaskTables.counts(c, types));
    }

    /** The task, locked; refused while it runs under a valid lease. */
    private static TaskInfo changeable(Connection c, long id, String what) throws SQLException {
        TaskInfo t = TaskTables.find(c, id, true);
        if (t == null) {
            throw new TaskNotFoundException(id);
        }
        if (t.status() == TaskStatus.RUNNING && TaskTables.leaseValid(c, id)) {
            throw new TaskStateException("task " + id + " is running on " + t.claimedBy() + "; it cannot be " + what
                    + " until its attempt ends or its lease expires (" + t.leaseUntil() + ")");
        }
        return t;
    }
}
