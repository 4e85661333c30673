package dev.pgevents.eventstore.jdbc;

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
 * them in one transaction, in one round trip before the commit:
 * <ol>
 *   <li>the lock step of all of them (their writer keys shared, their condition keys exclusive,
 *       in the store's sorted order, so batches cannot deadlock with each other), and the
 *       watermark mark once, before any position is drawn;</li>
 *   <li>each append's insert in queue order, checked against its condition when it has one: the
 *       check sees the events of the appends before it in the batch (same transaction), so two
 *       conflicting appends in one batch cannot both pass.</li>
 * </ol>
 * An append whose check fails inserts nothing and gets "condition failed"; the others commit. When
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
    private boolean leading; // guarded by monitor
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
                while (!mine.done && leading) {
                    try {
                        monitor.wait();
                    } catch (InterruptedException e) {
                        interrupted = true; // queued: it will run; wait for the outcome, keep the interrupt
                    }
                }
                if (mine.done) {
                    return outcome(mine);
                }
                leading = true;
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
                if (batch.isEmpty()) {
                    throw new IllegalStateException("group commit lost an append: the queue is empty");
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
                leading = false;
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

    /** The batch in one transaction: each append's positions, or null where its condition failed. */
    private List<List<Long>> together(List<Waiting> batch) throws SQLException {
        LockKeys keys = new LockKeys();
        long broadLockTimeout = 0;
        boolean customPlans = false;
        for (Waiting w : batch) {
            keys.add(w.append.keys());
            broadLockTimeout = Math.max(broadLockTimeout, w.append.broadLockTimeoutMillis());
            customPlans |= w.append.customPlans();
        }
        SqlBuilder sql = new SqlBuilder().append("SELECT ");
        keys.appendTo(sql, true, broadLockTimeout);
        for (Waiting w : batch) {
            sql.append("; ");
            w.append.insertStatement(sql, false);
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            boolean committed = false;
            try {
                List<List<Long>> positions = execute(c, sql, customPlans, batch);
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

    private static List<List<Long>> execute(Connection c, SqlBuilder sql, boolean customPlans, List<Waiting> batch)
            throws SQLException {
        List<List<Long>> out = new ArrayList<>(batch.size());
        try (PreparedStatement ps = c.prepareStatement(sql.sql())) {
            if (customPlans) {
                JdbcEventStore.customPlans(ps);
            }
            sql.bind(c, ps);
            ps.execute(); // first result: the lock step's single row
            for (Waiting w : batch) {
                if (!ps.getMoreResults()) {
                    throw new SQLException("an insert of the batch returned no result set");
                }
                Map<UUID, Long> byId = new HashMap<>();
                try (ResultSet rs = ps.getResultSet()) {
                    while (rs.next()) {
                        byId.put(rs.getObject(2, UUID.class), rs.getLong(1));
                    }
                }
                out.add(JdbcEventStore.inRowOrder(byId, w.append.rows()));
            }
        }
        return out;
    }

}
