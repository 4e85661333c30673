package dev.pgevents.eventstore.jdbc;

import dev.pgevents.eventstore.EventStoreAccessException;
import dev.pgevents.eventstore.RawEvent;
import dev.pgevents.eventstore.jdbc.JdbcEventStore.PendingAppend;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Group commit: concurrent appends share one transaction and one commit. The first caller that
 * finds no batch running leads: it takes every queued append (up to the batch limit) and runs
 * them in one transaction:
 * <ol>
 *   <li>the lock step of all of them (their writer keys shared, their condition keys exclusive,
 *       in the store's sorted order, so batches cannot deadlock with each other), and the
 *       watermark mark once, before any position is drawn; in the same round trip, each
 *       condition's check against the stored events;</li>
 *   <li>in queue order, an append passes when its check passed and no earlier passing append of
 *       the batch has an event its condition matches (those events are "after" any position it
 *       read); the rows of the passing appends go in one insert, in order;</li>
 *   <li>the commit.</li>
 * </ol>
 * An append that does not pass inserts nothing and gets "condition failed"; the others commit. When
 * the batch fails before its commit was sent (a duplicate event id, a lock wait beyond the lock
 * timeout, a deadlock, no connection), it is rolled back and each of its appends runs alone on
 * its caller's thread, as without group commit, so each gets its own outcome and one slow lock or
 * pool wait holds up the queue for the lock timeout at most. A batch of one runs the single
 * append's statements, its lock waits bounded the same way. When the commit itself fails, whether
 * it committed is unknown: every append of the batch gets an error saying so, never a rerun
 * (which could apply it twice).
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

    /** The commit was sent and failed: whether the batch committed is unknown. */
    private static final class OutcomeUnknown extends Exception {
        private static final long serialVersionUID = 1L;

        OutcomeUnknown(SQLException cause) {
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

    /** The queue's head, then more while the limits allow. Caller holds the monitor. */
    private List<Waiting> take() {
        List<Waiting> batch = new ArrayList<>();
        int events = 0;
        int keys = 0;
        while (!queue.isEmpty() && batch.size() < maxBatch) {
            Waiting next = queue.peek();
            if (!batch.isEmpty() && (events + next.append.rows().size() > MAX_EVENTS_PER_BATCH
                    || keys + next.append.keys().size() > MAX_KEYS_PER_BATCH)) {
                break;
            }
            events += next.append.rows().size();
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
            SQLException cause = (SQLException) e.getCause();
            EventStoreAccessException unknown = EventStoreAccessException.explained("the commit of a shared append transaction ("
                    + batch.size() + " appends) failed, so whether this append was stored is unknown: read its events to find"
                    + " out before appending again (" + cause.getMessage() + ")", cause);
            batch.forEach(w -> w.failure = unknown);
        } catch (SQLException | RuntimeException e) {
            fallbacks.incrementAndGet();
            LOG.log(Level.FINE, "a batch of {0} appends failed before its commit ({1}); each runs alone",
                    new Object[] {batch.size(), e});
            batch.forEach(w -> w.alone = true);
        }
    }

    /**
     * The batch in one transaction: what each append inserted, or null where its condition failed.
     * Round trips: the lock step with the conditions' checks against the stored events; then the
     * insert of every passing append's rows in one statement (an append also fails when an
     * earlier passing append of the batch has an event its condition matches); then the commit.
     * Without conditions, the lock step and the insert share the first round trip.
     */
    private List<Inserted> together(List<Waiting> batch) throws SQLException, OutcomeUnknown {
        Connection c = dataSource.getConnection();
        boolean commitSent = false;
        try {
            c.setAutoCommit(false);
            List<Inserted> inserted = batch.size() == 1
                    ? java.util.Collections.singletonList(batch.get(0).append.run(c, lockTimeoutMillis))
                    : inserted(c, batch);
            commitSent = true;
            c.commit();
            return inserted;
        } catch (SQLException e) {
            if (commitSent) {
                throw new OutcomeUnknown(e);
            }
            rollbackQuietly(c);
            throw e;
        } catch (RuntimeException e) {
            rollbackQuietly(c);
            throw e;
        } finally {
            try {
                c.setAutoCommit(true);
            } catch (SQLException ignored) {
                // the outcome is decided; the pool checks the connection
            }
            try {
                c.close();
            } catch (SQLException ignored) {
                // as above
            }
        }
    }

    /** The statements of a batch of two or more, in the caller's transaction. */
    private List<Inserted> inserted(Connection c, List<Waiting> batch) throws SQLException {
        LockKeys keys = new LockKeys();
        boolean customPlans = false;
        List<Integer> conditional = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            PendingAppend a = batch.get(i).append;
            keys.add(a.keys());
            customPlans |= a.customPlans();
            if (a.checked() != null) {
                conditional.add(i);
            }
        }
        SqlBuilder first = new SqlBuilder().append(LockKeys.LOCK_STATEMENT);
        keys.appendBoundedTo(first, lockTimeoutMillis);
        List<Inserted> inserted;
        if (conditional.isEmpty()) {
            first.append("; ");
            inserted = insert(c, first, true, batch, allPass(batch.size()));
        } else {
            first.append("; SELECT ");
            for (int k = 0; k < conditional.size(); k++) {
                first.append(k == 0 ? "" : ", ");
                batch.get(conditional.get(k)).append.check(first);
            }
            boolean[] passes = allPass(batch.size());
            try (PreparedStatement ps = c.prepareStatement(first.sql())) {
                if (customPlans) {
                    JdbcEventStore.customPlans(ps);
                }
                first.bind(c, ps);
                try (ResultSet rs = JdbcEventStore.secondResult(ps)) {
                    rs.next();
                    for (int k = 0; k < conditional.size(); k++) {
                        passes[conditional.get(k)] = rs.getBoolean(k + 1);
                    }
                }
            }
            List<RawEvent> passed = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                PendingAppend a = batch.get(i).append;
                passes[i] &= !a.conflictsWith(passed);
                if (passes[i]) {
                    passed.addAll(a.rows());
                }
            }
            inserted = passed.isEmpty() ? noneInserted(batch.size())
                    : insert(c, new SqlBuilder(), false, batch, passes);
        }
        return inserted;
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the original exception matters
        }
    }

    /**
     * Inserts the rows of the passing appends in one statement, in batch order.
     *
     * @param sql        what precedes the insert in the same round trip (the lock step), or nothing
     * @param afterLocks the insert's result is the second one
     */
    private static List<Inserted> insert(Connection c, SqlBuilder sql, boolean afterLocks, List<Waiting> batch,
                                         boolean[] passes) throws SQLException {
        List<RawEvent> rows = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            if (passes[i]) {
                rows.addAll(batch.get(i).append.rows());
            }
        }
        JdbcEventStore.appendInsert(sql, rows);
        sql.append(JdbcEventStore.RETURNING);
        Inserted all;
        try (PreparedStatement ps = c.prepareStatement(sql.sql())) {
            sql.bind(c, ps);
            try (ResultSet rs = afterLocks ? JdbcEventStore.secondResult(ps) : ps.executeQuery()) {
                all = JdbcEventStore.inserted(rs, rows);
            }
        }
        if (all == null) {
            throw new IllegalStateException("inserted none of " + rows.size() + " events");
        }
        List<Inserted> out = new ArrayList<>(batch.size());
        int next = 0;
        for (int i = 0; i < batch.size(); i++) {
            if (passes[i]) {
                int n = batch.get(i).append.rows().size();
                out.add(new Inserted(all.positions().subList(next, next + n), all.recordedAt()));
                next += n;
            } else {
                out.add(null);
            }
        }
        return out;
    }

    private static boolean[] allPass(int n) {
        boolean[] passes = new boolean[n];
        java.util.Arrays.fill(passes, true);
        return passes;
    }

    private static List<Inserted> noneInserted(int n) {
        List<Inserted> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(null);
        }
        return out;
    }

}
