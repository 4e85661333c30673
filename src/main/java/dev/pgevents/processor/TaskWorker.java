package dev.pgevents.processor;

import dev.pgevents.telemetry.Causes;
import dev.pgevents.telemetry.TaskSpans;
import dev.pgevents.transaction.Transactions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The worker of one node: claims due tasks of its registered types and runs them on an executor
 * (a container-managed one in the application). Plain Java, so tests run several workers, i.e.
 * several nodes, in one JVM.
 * <ul>
 *   <li>{@link #poll}: claims up to the free share of the type's {@code concurrency} in one short
 *       transaction ({@code FOR UPDATE SKIP LOCKED}, under a lease) and hands each task to the
 *       executor.</li>
 *   <li>{@link #run}: the handler, outside any transaction; then the outcome in a transaction of
 *       its own, fenced: only the worker that still owns this attempt (node and attempt number)
 *       records it.</li>
 *   <li>{@link #renewLeases}: extends the leases of the tasks running here (call it more often
 *       than the lease duration), so a handler may run longer than one lease.</li>
 * </ul>
 */
public final class TaskWorker {

    private static final Logger LOG = Logger.getLogger(TaskWorker.class.getName());
    private static final int DELETE_BATCH = 1000;

    /** What became of an attempt. */
    public enum Outcome {
        COMPLETED,
        /** Failed; queued again after a backoff. */
        RETRY_SCHEDULED,
        /** Failed for good; the failure callback ran. */
        FAILED,
        /** The task was no longer this worker's (lease expired and taken over, or an operator acted): nothing recorded. */
        NOT_OWNER
    }

    private final String node;
    private final Transactions transactions;
    private final DataSource dataSource;
    private final Function<String, TaskSettings> settings;
    private final Executor executor;
    private final TaskObserver observer;
    private final Map<String, TaskHandler> handlers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
    private final Map<Long, Task> inFlight = new ConcurrentHashMap<>();

    /**
     * @param dataSource the application's (JTA) data source; {@code transactions} opens the transactions
     * @param executor   runs the claimed tasks (container threads in the application)
     */
    public TaskWorker(String node, Transactions transactions, DataSource dataSource,
                      Function<String, TaskSettings> settings, Executor executor, TaskObserver observer) {
        this.node = node;
        this.transactions = transactions;
        this.dataSource = dataSource;
        this.settings = settings;
        this.executor = executor;
        this.observer = observer;
    }

    public void register(TaskHandler handler) {
        TaskQueue.validate(handler.type(), "{}", 0);
        if (handlers.putIfAbsent(handler.type(), handler) != null) {
            throw new IllegalStateException("two task handlers for type " + handler.type());
        }
        running.put(handler.type(), new AtomicInteger());
    }

    public Set<String> types() {
        return Collections.unmodifiableSet(handlers.keySet());
    }

    public String node() {
        return node;
    }

    /** Tasks of the type running on this node now. */
    public int running(String type) {
        AtomicInteger n = running.get(type);
        return n == null ? 0 : n.get();
    }

    /**
     * Claims due tasks of the type, up to its free concurrency on this node, and hands them to the
     * executor; returns how many it claimed. A task that ends while more were due polls again.
     */
    public int poll(String type) {
        AtomicInteger count = running.get(type);
        if (count == null) {
            return 0;
        }
        List<Task> claimed;
        synchronized (count) { // claims of one type on this node never overshoot its concurrency
            int free = settings.apply(type).concurrency() - count.get();
            if (free <= 0) {
                return 0;
            }
            claimed = claim(type, free);
            count.addAndGet(claimed.size());
            claimed.forEach(t -> inFlight.put(t.id(), t));
        }
        for (Task task : claimed) {
            try {
                executor.execute(() -> {
                    try {
                        run(task);
                    } catch (RuntimeException e) {
                        // the outcome could not be recorded (database down): the lease expires, the task runs again
                        LOG.log(Level.WARNING, "task " + task.id() + " (" + type + "): outcome not recorded", e);
                    } finally {
                        settle(task);
                    }
                    poll(type); // a slot is free: take the next due task, if any
                });
            } catch (RuntimeException e) {
                settle(task); // executor refused (stopping): the lease expires and another worker takes it
                LOG.log(Level.WARNING, "task " + task.id() + " could not be started: " + e);
            }
        }
        return claimed.size();
    }

    private void settle(Task task) {
        inFlight.remove(task.id());
        running.get(task.type()).decrementAndGet();
    }

    /** Claims up to {@code max} due tasks of the type (one transaction); the caller must {@link #run} them. */
    List<Task> claim(String type, int max) {
        long lease = settings.apply(type).leaseDuration().toMillis();
        return inTransaction(c -> TaskTables.claim(c, type, max, node, lease));
    }

    /**
     * Runs one claimed task: the handler outside any transaction, then its outcome in a new one
     * (completed; or failed: retried after a backoff, or failed for good with the callback).
     *
     * @throws RuntimeException when the outcome could not be recorded (the database failed): the
     *                          task stays claimed until its lease expires, then runs again
     */
    public Outcome run(Task task) {
        TaskHandler handler = handlers.get(task.type());
        long t0 = System.nanoTime();
        Exception error = null;
        try (Causes.Scope traced = TaskSpans.start(() -> inTransaction(c -> TaskSpans.trigger(c, task.triggeringPosition())),
                task.type(), task.id(), task.triggeringPosition())) {
            handler.handle(task);
        } catch (Exception e) {
            error = e;
        }
        long handlerNanos = System.nanoTime() - t0;
        if (error == null) {
            long latency = inTransaction(c -> TaskTables.complete(c, task, node));
            if (latency < 0) {
                LOG.info(() -> "task " + task.id() + " (" + task.type() + ") completed on node " + node
                        + " after another worker took it over; the other attempt counts");
                return Outcome.NOT_OWNER;
            }
            observer.completed(task.type(), handlerNanos, latency);
            return Outcome.COMPLETED;
        }
        Outcome outcome = failed(handler, task, error);
        if (outcome != Outcome.NOT_OWNER) {
            observer.attemptFailed(task.type(), handlerNanos);
        }
        if (outcome == Outcome.FAILED) {
            observer.failed(task.type());
        }
        return outcome;
    }

    private Outcome failed(TaskHandler handler, Task task, Exception error) {
        TaskSettings s = settings.apply(task.type());
        String text = TaskErrors.describe(error);
        Duration delay = s.backoff(task.attempt(), () -> ThreadLocalRandom.current().nextDouble());
        try {
            return transactions.inNewTransaction(() -> {
                try (Connection c = dataSource.getConnection()) {
                    long age = TaskTables.lockOwned(c, task, node);
                    if (age < 0) {
                        return Outcome.NOT_OWNER;
                    }
                    boolean pastDeadline = s.deadline().map(d -> age + delay.toMillis() > d.toMillis()).orElse(false);
                    if (task.attempt() < s.maxAttempts() && !pastDeadline) {
                        TaskTables.scheduleRetry(c, task.id(), delay.toMillis(), text);
                        LOG.warning(() -> "task " + task.id() + " (" + task.type() + ") attempt " + task.attempt()
                                + " failed, next in " + delay.toMillis() + " ms: " + TaskErrors.firstLine(text));
                        return Outcome.RETRY_SCHEDULED;
                    }
                    TaskTables.markFailed(c, task.id(), text);
                    try {
                        handler.failed(task, text);
                    } catch (Exception e) {
                        throw new CallbackFailed(e); // rolls back the mark and the callback's work
                    }
                    LOG.log(Level.SEVERE, "task " + task.id() + " (" + task.type() + ") failed for good after "
                            + task.attempt() + " attempts" + (pastDeadline ? " (deadline reached)" : ""), error);
                    return Outcome.FAILED;
                }
            });
        } catch (CallbackFailed callbackError) {
            // its transaction rolled back; the task fails anyway, saying so
            LOG.log(Level.SEVERE, "task " + task.id() + " (" + task.type() + "): the failure callback failed",
                    callbackError.getCause());
            String both = text + "\nfailure callback: " + TaskErrors.describe(callbackError.getCause());
            boolean marked = inTransaction(c -> {
                if (TaskTables.lockOwned(c, task, node) < 0) {
                    return false;
                }
                TaskTables.markFailed(c, task.id(), TaskErrors.truncate(both));
                return true;
            });
            return marked ? Outcome.FAILED : Outcome.NOT_OWNER;
        }
    }

    /** Extends the leases of the tasks running on this node; returns how many it renewed. */
    public int renewLeases() {
        Map<String, List<Long>> byType = new ConcurrentHashMap<>();
        inFlight.values().forEach(t -> byType.computeIfAbsent(t.type(), k -> new ArrayList<>()).add(t.id()));
        int renewed = 0;
        for (var e : byType.entrySet()) {
            long lease = settings.apply(e.getKey()).leaseDuration().toMillis();
            renewed += inTransaction(c -> TaskTables.renew(c, e.getValue(), node, lease));
        }
        return renewed;
    }

    /**
     * Deletes the DONE tasks of this node's types that finished longer ago than their type's
     * {@code retention}, in batches of {@value #DELETE_BATCH}, each in its own short transaction;
     * returns how many. Afterwards the same (type, triggering position) can be enqueued again.
     */
    public int deleteExpiredDoneTasks() {
        int deleted = 0;
        for (String type : handlers.keySet()) {
            Optional<Duration> retention = settings.apply(type).retention();
            if (retention.isEmpty()) {
                continue;
            }
            int batch;
            do {
                batch = inTransaction(c -> TaskTables.deleteDone(c, type, retention.get().toMillis(), DELETE_BATCH));
                deleted += batch;
            } while (batch == DELETE_BATCH);
        }
        return deleted;
    }

    /** A node that stops hands its running tasks back (due at once for the other nodes). */
    public int releaseLeases() {
        return inTransaction(c -> TaskTables.release(c, node));
    }

    /** The failure callback threw (carried out of its transaction). */
    private static final class CallbackFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CallbackFailed(Exception cause) {
            super(cause.getMessage(), cause);
        }
    }

    interface SqlWork<T> {
        T apply(Connection c) throws SQLException;
    }

    <T> T inTransaction(SqlWork<T> work) {
        return transactions.inNewTransaction(() -> {
            try (Connection c = dataSource.getConnection()) {
                return work.apply(c);
            } catch (SQLException e) {
                throw new IllegalStateException("task queue: " + e.getMessage(), e);
            }
        });
    }
}
