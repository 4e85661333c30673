package dev.pgevents.eventstore.jdbc;

import dev.pgevents.eventstore.RawEvent;
import dev.pgevents.eventstore.jdbc.JdbcEventStore.PendingAppend;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
 * the batch fails as a whole (a duplicate event id, a lock timeout, a deadlock, a lost
 * connection), it is rolled back and each of its appends runs alone, so each gets its own outcome.
 * Followers wait for their outcome, or to lead the next batch. Only for callers without a
 * transaction of their own: the leader's connection is not theirs.
 */
final class GroupCommit {

    private static final Logger LOG = Logger.getLogger(GroupCommit.class.getName());

    /** Events per batch beyond which no further append joins it (one append alone may exceed it). */
    static final int MAX_EVENTS_PER_BATCH = 1_000;

    /** An append waiting for its outcome: positions, null (condition failed), or a failure. */
    private static final class Waiting {
        final PendingAppend append;
        List<Long> positions;
        RuntimeException failure;
        boolean done;

        Waiting(PendingAppend append) {
            this.append = append;
        }
    }

    private final DataSource dataSource;
    private final int maxBatch;
    private final Function<PendingAppend, List<Long>> alone;
    private final Object monitor = new Object();
    private final ArrayDeque<Waiting> queue = new ArrayDeque<>(); // guarded by monitor
    private int leading; // guarded by monitor: batches running
    private final int maxLeading = Integer.getInteger("pgevents.gc.leaders", 1);
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong appends = new AtomicLong();
    private final AtomicLongArray sizes; // [n]: batches of n appends (the last slot: n and more)

    /**
     * @param alone runs one append in a transaction of its own (the store's usual path): for a
     *              batch of one and for the appends of a failed batch
     */
    GroupCommit(DataSource dataSource, int maxBatch, Function<PendingAppend, List<Long>> alone) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("the group commit batch limit must be positive: " + maxBatch);
        }
        this.dataSource = dataSource;
        this.maxBatch = maxBatch;
        this.alone = alone;
        this.sizes = new AtomicLongArray(Math.min(maxBatch, 64) + 1);
    }

    /** Appends in the next shared transaction; the positions, or null when the condition failed. */
    List<Long> append(PendingAppend append) {
        Waiting mine = new Waiting(append);
        boolean interrupted = false;
        try {
            synchronized (monitor) {
                queue.add(mine);
                while (!mine.done && leading >= maxLeading) {
                    try {
                        monitor.wait();
                    } catch (InterruptedException e) {
                        interrupted = true; // queued: it will run; wait for the outcome, keep the interrupt
                    }
                }
                if (mine.done) {
                    return outcome(mine);
                }
                leading++;
            }
            return lead(mine);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Runs batches from the queue's head until the caller's own append has its outcome. */
    private List<Long> lead(Waiting mine) {
        try {
            while (true) {
                List<Waiting> batch;
                synchronized (monitor) {
                    batch = take();
                }
                if (batch.isEmpty()) { // another leader took it
                    synchronized (monitor) {
                        while (!mine.done) {
                            try {
                                monitor.wait();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                    }
                    return outcome(mine);
                }
                try {
                    run(batch);
                } catch (Throwable t) {
                    RuntimeException failure = new IllegalStateException("the shared append transaction failed: " + t, t);
                    batch.stream().filter(w -> w.positions == null && w.failure == null).forEach(w -> w.failure = failure);
                    throw t;
                } finally {
                    synchronized (monitor) {
                        batch.forEach(w -> w.done = true);
                        monitor.notifyAll();
                    }
                }
                if (mine.done) {
                    return outcome(mine);
                }
            }
        } finally {
            synchronized (monitor) {
                leading--;
                monitor.notifyAll();
            }
        }
    }

    /** Batches run so far, appends in them, and how many batches had 1, 2, ... appends. */
    GroupCommitStatistics statistics() {
        long[] counts = new long[sizes.length()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = sizes.get(i);
        }
        int waiting;
        synchronized (monitor) {
            waiting = queue.size();
        }
        return new GroupCommitStatistics(batches.get(), appends.get(), counts, waiting);
    }

    private static List<Long> outcome(Waiting w) {
        if (w.failure != null) {
            throw w.failure;
        }
        return w.positions;
    }

    /** The queue's head, then more while the limits allow. Caller holds the monitor. */
    private List<Waiting> take() {
        List<Waiting> batch = new ArrayList<>();
        int events = 0;
        while (!queue.isEmpty() && batch.size() < maxBatch) {
            Waiting next = queue.peek();
            if (!batch.isEmpty() && events + next.append.rows().size() > MAX_EVENTS_PER_BATCH) {
                break;
            }
            events += next.append.rows().size();
            batch.add(queue.poll());
        }
        return batch;
    }

    private void run(List<Waiting> batch) {
        batches.incrementAndGet();
        appends.addAndGet(batch.size());
        sizes.incrementAndGet(Math.min(batch.size(), sizes.length() - 1));
        if (batch.size() > 1) {
            try {
                List<List<Long>> positions = together(batch);
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).positions = positions.get(i);
                }
                return;
            } catch (SQLException | RuntimeException e) {
                LOG.log(Level.FINE, "a batch of {0} appends failed ({1}); each runs alone", new Object[] {batch.size(), e});
            }
        }
        for (Waiting w : batch) {
            try {
                w.positions = alone.apply(w.append);
            } catch (RuntimeException e) {
                w.failure = e;
            }
        }
    }

    /**
     * The batch in one transaction: each append's positions, or null where its condition failed.
     * Round trips: the lock step with the conditions' checks against the stored events; then the
     * insert of every passing append's rows in one statement (an append also fails when an
     * earlier passing append of the batch has an event its condition matches); then the commit.
     * Without conditions, the lock step and the insert share the first round trip.
     */
    private List<List<Long>> together(List<Waiting> batch) throws SQLException {
        LockKeys keys = new LockKeys();
        long broadLockTimeout = 0;
        boolean customPlans = false;
        List<Integer> conditional = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            PendingAppend a = batch.get(i).append;
            keys.add(a.keys());
            broadLockTimeout = Math.max(broadLockTimeout, a.broadLockTimeoutMillis());
            customPlans |= a.customPlans();
            if (a.checked() != null) {
                conditional.add(i);
            }
        }
        SqlBuilder first = new SqlBuilder().append("SELECT ");
        keys.appendTo(first, true, broadLockTimeout);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            boolean committed = false;
            try {
                List<List<Long>> positions;
                if (conditional.isEmpty()) {
                    first.append("; ");
                    positions = insert(c, first, true, batch, allPass(batch.size()));
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
                    positions = passed.isEmpty() ? noneInserted(batch.size())
                            : insert(c, new SqlBuilder(), false, batch, passes);
                }
                c.commit();
                committed = true;
                return positions;
            } finally {
                if (!committed) {
                    try {
                        c.rollback();
                    } catch (SQLException ignored) {
                        // the original exception matters
                    }
                }
                c.setAutoCommit(true);
            }
        }
    }

    /**
     * Inserts the rows of the passing appends in one statement, in batch order.
     *
     * @param sql        what precedes the insert in the same round trip (the lock step), or nothing
     * @param afterLocks the insert's result is the second one
     */
    private static List<List<Long>> insert(Connection c, SqlBuilder sql, boolean afterLocks, List<Waiting> batch,
                                           boolean[] passes) throws SQLException {
        List<RawEvent> rows = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            if (passes[i]) {
                rows.addAll(batch.get(i).append.rows());
            }
        }
        JdbcEventStore.appendInsert(sql, rows);
        sql.append(" RETURNING position, event_id");
        Map<UUID, Long> byId = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql.sql())) {
            sql.bind(c, ps);
            try (ResultSet rs = afterLocks ? JdbcEventStore.secondResult(ps) : ps.executeQuery()) {
                while (rs.next()) {
                    byId.put(rs.getObject(2, UUID.class), rs.getLong(1));
                }
            }
        }
        if (byId.size() != rows.size()) {
            throw new IllegalStateException("inserted " + byId.size() + " of " + rows.size() + " events");
        }
        List<List<Long>> out = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            out.add(passes[i] ? batch.get(i).append.rows().stream().map(r -> byId.get(r.eventId())).toList() : null);
        }
        return out;
    }

    private static boolean[] allPass(int n) {
        boolean[] passes = new boolean[n];
        java.util.Arrays.fill(passes, true);
        return passes;
    }

    private static List<List<Long>> noneInserted(int n) {
        List<List<Long>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(null);
        }
        return out;
    }

}
