package dev.pgevents.eventstore.jdbc;

import dev.pgevents.eventstore.EventStoreAccessException;
import dev.pgevents.eventstore.RawEvent;
import dev.pgevents.eventstore.jdbc.JdbcEventStore.PendingAppend;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Group commit: concurrent appends share one transaction and one commit. The first caller that
 * finds no batch running leads: it takes every queued append (up to the batch limits) and runs
 * them in one round trip, in autocommit: two statements before one Sync, which PostgreSQL runs
 * as one implicit transaction and commits at the Sync:
 * <ol>
 *   <li>the lock step of all of them (their writer keys shared, their condition keys exclusive,
 *       in the store's sorted order, so batches cannot deadlock with each other), and the
 *       watermark mark once, before any position is drawn;</li>
 *   <li>one insert of every append's rows, in order, each row kept only when its append passes:
 *       its check finds no stored event, and no earlier passing append of the batch has an event
 *       its condition matches (those events are "after" any position it read).</li>
 * </ol>
 * An append whose check fails inserts nothing and gets "condition failed"; the others commit.
 * When PostgreSQL refuses a statement (a duplicate event id, a lock wait beyond the lock timeout,
 * a deadlock), the whole transaction is rolled back and each of its appends runs alone on its
 * caller's thread, as without group commit, so each gets its own outcome and one slow lock holds
 * up the queue for the lock timeout at most; so too when the statements could not be sent (no
 * connection). When anything else fails once they were sent (a lost connection, a terminated
 * backend), whether the batch committed is unknown: every append of it gets an error saying so,
 * never a rerun (which could apply it twice).
 * Followers wait for their outcome, or to lead the next batch; one batch runs at a time. Only for
 * callers without a transaction of their own: the leader's connection is not theirs.
 */
final class GroupCommit {

    private static final Logger LOG = Logger.getLogger(GroupCommit.class.getName());

    /** Events per batch beyond which no further append joins it (one append alone may exceed it). */
    static final int MAX_EVENTS_PER_BATCH = 1_000;
    /**
     * Lock keys per batch (summed over its appends) beyond which no further append joins it: a
     * batch holds them all until its commit, and PostgreSQL's lock table is shared.
     */
    static final int MAX_KEYS_PER_BATCH = 256;
    /** An append waiting for its outcome: what it inserted, null (condition failed), a failure, or "run alone". */
    private static final class Waiting {
        final PendingAppend append;
        Inserted inserted;
        RuntimeException failure;
        boolean alone;
        boolean done;

        Waiting(PendingAppend append) {
            this.append = append;
        }
    }

    /** The batch was sent and its answer lost: whether it committed is unknown. */
    private static final class OutcomeUnknown extends Exception {
        private static final long serialVersionUID = 1L;

        OutcomeUnknown(Exception cause) {
            super(cause);
        }
    }

    private final DataSource dataSource;
    private final int maxBatch;
    private final long lockTimeoutMillis;
    private final Function<PendingAppend, Inserted> alone;
    private final Object monitor = new Object();
    private final ArrayDeque<Waiting> queue = new ArrayDeque<>(); // guarded by monitor
    private boolean leading; // guarded by monitor
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong appends = new AtomicLong();
    private final AtomicLong fallbacks = new AtomicLong();
    private final AtomicLongArray sizes; // [n]: batches of n appends (the last slot: n and more)

    /**
     * @param lockTimeout how long a batch waits for a lock before its appends run alone
     * @param alone       runs one append in a transaction of its own (the store's usual path): for
     *                    the appends of a failed batch, on the caller's thread
     */
    GroupCommit(DataSource dataSource, int maxBatch, Duration lockTimeout, Function<PendingAppend, Inserted> alone) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("the group commit batch limit must be positive: " + maxBatch);
        }
        if (lockTimeout == null || lockTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("the group commit lock timeout must be 1 ms or more: " + lockTimeout);
        }
        this.lockTimeoutMillis = lockTimeout.toMillis();
        this.dataSource = dataSource;
        this.maxBatch = maxBatch;
        this.alone = alone;
        this.sizes = new AtomicLongArray(Math.min(maxBatch, 64) + 1);
    }

    /** Appends in the next shared transaction; what it inserted, or null when the condition failed. */
    Inserted append(PendingAppend append) {
        Waiting mine = new Waiting(append);
        boolean interrupted = false;
        try {
            synchronized (monitor) {
                queue.add(mine);
                while (!mine.done && leading) {
                    try {
                        monitor.wait();
                    } catch (InterruptedException e) {
                        interrupted = true; // queued: it will run; wait for the outcome, keep the interrupt
                    }
                }
                if (!mine.done) {
                    leading = true;
                }
            }
            if (!mine.done) {
                lead(mine);
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (mine.alone) {
            return alone.apply(append); // no longer leading: the next batch forms meanwhile
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
        return mine.inserted;
    }

    /** Runs batches from the queue's head until the caller's own append has its outcome. */
    private void lead(Waiting mine) {
        try {
            while (!mine.done) { // set by this thread only
                List<Waiting> batch;
                synchronized (monitor) {
                    batch = take();
                }
                if (batch.isEmpty()) {
                    throw new IllegalStateException("group commit lost an append: the leader's own is not queued");
                }
                try {
                    run(batch);
                } catch (Throwable t) {
                    RuntimeException failure = new IllegalStateException("the shared append transaction failed: " + t, t);
                    batch.forEach(w -> w.failure = failure);
                    throw t;
                } finally {
                    synchronized (monitor) {
                        batch.forEach(w -> w.done = true);
                        monitor.notifyAll();
                    }
                }
            }
        } finally {
            synchronized (monitor) {
                leading = false;
                monitor.notifyAll();
            }
        }
    }

    /** What group commit did so far. */
    GroupCommitStatistics statistics() {
        long[] counts = new long[sizes.length()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = sizes.get(i);
        }
        int waiting;
        synchronized (monitor) {
            waiting = queue.size();
        }
        return new GroupCommitStatistics(batches.get(), appends.get(), counts, fallbacks.get(), waiting);
    }

    /**
     * The queue's head, then more while the limits allow, up to an append with an event id already
     * in the batch (a client's retry: it waits for the next batch, which tells it that the id
     * exists, as the stored events are told apart by id). Caller holds the monitor.
     */
    private List<Waiting> take() {
        List<Waiting> batch = new ArrayList<>();
        Set<UUID> ids = new HashSet<>();
        int keys = 0;
        while (!queue.isEmpty() && batch.size() < maxBatch) {
            Waiting next = queue.peek();
            if (!batch.isEmpty() && (ids.size() + next.append.rows().size() > MAX_EVENTS_PER_BATCH
                    || keys + next.append.keys().size() > MAX_KEYS_PER_BATCH
                    || next.append.rows().stream().anyMatch(r -> ids.contains(r.eventId())))) {
                break;
            }
            next.append.rows().forEach(r -> ids.add(r.eventId()));
            keys += next.append.keys().size();
            batch.add(queue.poll());
        }
        return batch;
    }

    private void run(List<Waiting> batch) {
        batches.incrementAndGet();
        appends.addAndGet(batch.size());
        sizes.incrementAndGet(Math.min(batch.size(), sizes.length() - 1));
        try {
            List<Inserted> inserted = together(batch);
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).inserted = inserted.get(i);
            }
        } catch (OutcomeUnknown e) {
            Exception cause = (Exception) e.getCause();
            String message = "the connection failed while a shared append transaction (" + batch.size() + " appends) ran,"
                    + " so whether this append was stored is unknown: read its events to find out before appending again ("
                    + cause.getMessage() + ")";
            EventStoreAccessException unknown = EventStoreAccessException.explained(message,
                    cause instanceof SQLException sql ? sql : new SQLException(message, null, cause));
            batch.forEach(w -> w.failure = unknown);
        } catch (SQLException | RuntimeException e) {
            fallbacks.incrementAndGet();
            LOG.log(Level.FINE, "a batch of {0} appends was not stored ({1}); each runs alone",
                    new Object[] {batch.size(), e});
            batch.forEach(w -> w.alone = true);
        }
    }

    /**
     * The batch in one round trip (see the class comment): what each append inserted, or null
     * where its condition failed. Nothing is stored when it fails before the statements are sent
     * (no connection, a bind error) or when PostgreSQL refuses one of them: then it throws that
     * exception. Once they were sent, anything else leaves the outcome unknown.
     */
    private List<Inserted> together(List<Waiting> batch) throws SQLException, OutcomeUnknown {
        boolean customPlans = batch.stream().anyMatch(w -> w.append.customPlans());
        SqlBuilder sql = batch.size() == 1 ? batch.get(0).append.boundedStatements(lockTimeoutMillis) : statements(batch);
        Connection c = dataSource.getConnection();
        PreparedStatement ps = null;
        try {
            if (!c.getAutoCommit()) {
                c.setAutoCommit(true); // the Sync commits: no BEGIN, no COMMIT round trip
            }
            ps = c.prepareStatement(sql.sql());
            if (customPlans) {
                JdbcEventStore.customPlans(ps);
            }
            sql.bind(c, ps);
            try {
                ps.execute(); // first result: the lock step's row
            } catch (SQLException e) {
                if (refusedByServer(e)) {
                    throw e;
                }
                throw new OutcomeUnknown(e);
            }
            try { // committed
                if (!ps.getMoreResults()) {
                    throw new SQLException("the statement after the lock step returned no result set");
                }
                try (ResultSet rs = ps.getResultSet()) {
                    return outcomes(batch, rs);
                }
            } catch (SQLException | RuntimeException e) {
                throw new OutcomeUnknown(e);
            }
        } finally {
            closeQuietly(ps);
            closeQuietly(c);
        }
    }

    /**
     * Whether PostgreSQL refused a statement of the batch, so that its implicit transaction rolled
     * back: the classes of SQLSTATE it raises while a statement runs, before any commit (data,
     * integrity, transaction rollback, syntax or access, program limits, object state such as a
     * lock timeout, a cancelled statement, PL/pgSQL and the store's own PE codes). Any other
     * (a lost connection, a terminated backend, the driver's own errors, none) may follow the
     * commit.
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

    /**
     * A batch of two or more: the lock step, then one insert of all rows, each row kept when its
     * append passes. Append j's pass flag is a one-row CTE, p_j, evaluated once: its check finds
     * no stored event, AND NOT p_i for each earlier append i of the batch with an event its
     * condition matches. The insert's rows are the second result.
     */
    private SqlBuilder statements(List<Waiting> batch) {
        LockKeys keys = new LockKeys();
        List<RawEvent> rows = new ArrayList<>();
        List<Integer> owners = new ArrayList<>();
        for (int j = 0; j < batch.size(); j++) {
            PendingAppend a = batch.get(j).append;
            keys.add(a.keys());
            rows.addAll(a.rows());
            for (int r = 0; r < a.rows().size(); r++) {
                owners.add(j + 1);
            }
        }
        SqlBuilder sql = new SqlBuilder().append(LockKeys.LOCK_STATEMENT);
        keys.appendBoundedTo(sql, lockTimeoutMillis);
        sql.append("; WITH ");
        for (int j = 0; j < batch.size(); j++) {
            PendingAppend a = batch.get(j).append;
            sql.append((j == 0 ? "" : ", ") + "p" + j + " AS (SELECT ");
            if (a.checked() == null) {
                sql.append("true");
            } else {
                a.check(sql);
            }
            for (int i = 0; i < j; i++) {
                if (a.conflictsWith(batch.get(i).append.rows())) {
                    sql.append(" AND NOT (SELECT p FROM p" + i + ")");
                }
            }
            sql.append(" AS p)");
        }
        sql.append(" ");
        JdbcEventStore.appendInsert(sql, rows);
        sql.append(" WHERE (ARRAY[");
        for (int j = 0; j < batch.size(); j++) {
            sql.append((j == 0 ? "" : ", ") + "(SELECT p FROM p" + j + ")");
        }
        sql.append("])[(?::int4[])[e.ord]]").arrayParam("int4", owners.toArray(Integer[]::new));
        return sql.append(JdbcEventStore.RETURNING);
    }

    /** Each append's positions from the insert's rows (all of its rows or none), or null. */
    private static List<Inserted> outcomes(List<Waiting> batch, ResultSet rs) throws SQLException {
        Map<UUID, Long> positions = new HashMap<>();
        Instant recordedAt = null;
        while (rs.next()) {
            positions.put(rs.getObject(2, UUID.class), rs.getLong(1));
            recordedAt = rs.getObject(3, OffsetDateTime.class).toInstant();
        }
        List<Inserted> out = new ArrayList<>(batch.size());
        for (Waiting w : batch) {
            List<Long> own = new ArrayList<>(w.append.rows().size());
            for (RawEvent r : w.append.rows()) {
                Long position = positions.get(r.eventId());
                if (position != null) {
                    own.add(position);
                }
            }
            if (own.isEmpty()) {
                out.add(null);
            } else if (own.size() == w.append.rows().size()) {
                out.add(new Inserted(own, recordedAt));
            } else {
                throw new IllegalStateException("a shared insert stored " + own.size() + " of an append's "
                        + w.append.rows().size() + " events");
            }
        }
        return out;
    }

    private static void closeQuietly(AutoCloseable resource) {
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
