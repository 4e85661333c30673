package dev.pgevents.eventstore.jdbc;

import dev.pgevents.eventstore.AppendCondition;
import dev.pgevents.eventstore.EventStoreAccessException;
import dev.pgevents.eventstore.QueryItem;
import dev.pgevents.eventstore.RawEvent;
import dev.pgevents.eventstore.jdbc.JdbcEventStore.PendingAppend;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Group commit: concurrent appends share one transaction and one commit. A caller that finds no
 * batch running, or is handed the lead as the queue's head, leads: it takes every queued append
 * (up to the batch limits; its own heads the queue) and runs them in one round trip, in autocommit: two statements before one Sync, which PostgreSQL runs
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
    /**
     * An append waiting for its outcome: what it inserted, null (condition failed), a failure, or
     * "run alone". Its thread parks until the outcome is there or it is handed the lead: a batch
     * wakes its own callers and the next leader only (with notifyAll, each batch woke every waiting
     * caller: 16 callers spent a quarter more CPU per decision, docs/benchmarks.md).
     */
    private static final class Waiting {
        final PendingAppend append;
        final Thread thread = Thread.currentThread();
        Inserted inserted;
        RuntimeException failure;
        boolean alone;
        volatile boolean done; // written after the outcome's fields: reading it true makes them visible
        volatile boolean leads;

        Waiting(PendingAppend append) {
            this.append = append;
        }

        /** Parks until done or handed the lead (queued: it will run); whether it was interrupted meanwhile. */
        boolean awaitTurn() {
            boolean interrupted = false;
            while (!done && !leads) {
                LockSupport.park(this);
                interrupted |= Thread.interrupted();
            }
            return interrupted;
        }
    }

    private static final String UNSETTLED = "a shared append transaction failed unexpectedly, so whether this append was"
            + " stored is unknown: read its events to find out before appending again";
    /** Made in advance, for when making one fails as the batch did (out of memory). */
    private static final EventStoreAccessException UNSETTLED_FALLBACK = unsettled();

    private static EventStoreAccessException unsettled() {
        return EventStoreAccessException.explained(UNSETTLED, new SQLException("the batch failed"));
    }

    private final DataSource dataSource;
    private final int maxBatch;
    private final long lockTimeoutMillis;
    private final Function<PendingAppend, Inserted> alone;
    private final Object monitor = new Object();
    private final ArrayDeque<Waiting> queue = new ArrayDeque<>(); // guarded by monitor
    private boolean leading; // a caller leads: guarded by monitor
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong appends = new AtomicLong();
    private final AtomicLong fallbacks = new AtomicLong();
    private final AtomicLong busyNanos = new AtomicLong();
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
        boolean leader;
        boolean interrupted = Thread.interrupted(); // kept off until the outcome: see below
        synchronized (monitor) {
            queue.add(mine);
            leader = !leading;
            leading = true;
        }
        if (!leader) {
            interrupted |= mine.awaitTurn();
        }
        try {
            if (!mine.done) {
                lead(mine);
            }
        } finally {
            if (interrupted) { // kept off while leading: a pool's wait for a connection would fail the whole batch
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

    /**
     * Runs one batch from the queue's head, which is the caller's own append: a caller leads when it
     * finds the queue empty, or when it is handed the lead as the queue's head. Then wakes the
     * batch's callers and hands the lead to the queue's head, if any. An Error (or a bug) before every
     * append of the batch had its outcome gives the rest "unknown": the statements may have been
     * sent; the leader's caller gets the Error itself.
     */
    private void lead(Waiting mine) {
        List<Waiting> batch = null;
        boolean settled = false;
        try {
            batch = new ArrayList<>();
            synchronized (monitor) {
                take(batch);
            }
            run(batch);
            settled = true;
        } finally {
            int size = batch == null ? 0 : batch.size();
            if (!settled && size > 0) {
                EventStoreAccessException unknown;
                try {
                    unknown = unsettled();
                } catch (Throwable e) {
                    unknown = UNSETTLED_FALLBACK;
                }
                for (int i = 0; i < size; i++) {
                    Waiting w = batch.get(i);
                    if (w.failure == null && !w.alone) {
                        w.failure = unknown;
                    }
                }
            }
            // The batch's callers first, the lead after: while they start their next appends the
            // lead is still held, so they queue for the next batch instead of one of them finding no
            // batch running and leading a batch of one (mean batch 13 at 16 threads, against 8.5
            // when the lead was handed on first).
            try {
                for (int i = 0; i < size; i++) {
                    Waiting w = batch.get(i);
                    w.done = true;
                    if (w != mine) {
                        LockSupport.unpark(w.thread);
                    }
                }
            } finally {
                handOn(mine, size == 0);
            }
        }
    }

    /** Hands the lead to the queue's head, if any. */
    private void handOn(Waiting mine, boolean notTaken) {
        Waiting next;
        synchronized (monitor) {
            if (notTaken) { // take() failed before taking the leader's own: its caller gets the failure,
                queue.remove(mine); // so it must not run later
            }
            next = queue.peek();
            leading = next != null;
            if (next != null) {
                next.leads = true;
            }
        }
        if (next != null) {
            LockSupport.unpark(next.thread);
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
        return new GroupCommitStatistics(batches.get(), appends.get(), counts, fallbacks.get(), waiting,
                busyNanos.get() / 1_000_000);
    }

    /**
     * Moves the queue's head into the batch, then more while the limits allow, up to an append
     * with an event id already in the batch (a client's retry: it waits for the next batch, which
     * tells it that the id exists, as the stored events are told apart by id). Caller holds the
     * monitor.
     */
    private void take(List<Waiting> batch) {
        Set<UUID> ids = new HashSet<>();
        int keys = 0;
        while (!queue.isEmpty() && batch.size() < maxBatch) {
            Waiting next = queue.peek();
            if (!batch.isEmpty() && (ids.size() + next.append.rows().size() > MAX_EVENTS_PER_BATCH
                    || keys + next.append.keys().size() > MAX_KEYS_PER_BATCH
                    || next.append.rows().stream().anyMatch(r -> ids.contains(r.eventId())))) {
                break;
            }
            batch.add(next); // before it leaves the queue: whatever fails next, its caller is told
            queue.poll();
            next.append.rows().forEach(r -> ids.add(r.eventId()));
            keys += next.append.keys().size();
        }
    }

    private void run(List<Waiting> batch) {
        batches.incrementAndGet();
        appends.addAndGet(batch.size());
        sizes.incrementAndGet(Math.min(batch.size(), sizes.length() - 1));
        long start = System.nanoTime();
        try {
            List<Inserted> inserted = together(batch);
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).inserted = inserted.get(i);
            }
        } catch (AppendRoundTrip.OutcomeUnknown e) {
            EventStoreAccessException unknown = e.explained("a shared append transaction (" + batch.size() + " appends)");
            batch.forEach(w -> w.failure = unknown);
        } catch (SQLException e) {
            fallbacks.incrementAndGet();
            LOG.log(Level.FINE, "a batch of {0} appends was not stored ({1}); each runs alone", new Object[] {batch.size(), e});
            batch.forEach(w -> w.alone = true);
        } catch (RuntimeException e) { // building or binding the statements: a bug, but nothing was sent
            fallbacks.incrementAndGet();
            LOG.log(Level.WARNING, "a batch of " + batch.size() + " appends could not be sent; each runs alone", e);
            batch.forEach(w -> w.alone = true);
        } finally {
            busyNanos.addAndGet(System.nanoTime() - start);
        }
    }

    /**
     * The batch in one round trip, in autocommit (see the class comment): what each append
     * inserted, or null where its condition failed.
     *
     * @throws SQLException nothing was stored: no connection, nothing sent, or a statement refused
     */
    private List<Inserted> together(List<Waiting> batch) throws SQLException, AppendRoundTrip.OutcomeUnknown {
        boolean customPlans = batch.stream().anyMatch(w -> w.append.customPlans());
        SqlBuilder sql = batch.size() == 1 ? batch.get(0).append.boundedStatements(lockTimeoutMillis)
                : takesOneText(batch) ? statementsOfOneText(batch) : statementsPerShape(batch);
        List<List<RawEvent>> rows = batch.stream().map(w -> w.append.rows()).toList();
        Connection c = dataSource.getConnection();
        try {
            if (!c.getAutoCommit()) {
                c.setAutoCommit(true); // the Sync commits: no BEGIN, no COMMIT round trip
            }
            return AppendRoundTrip.run(c, sql, true, customPlans, rows);
        } finally {
            AppendRoundTrip.closeQuietly(c);
        }
    }

    /** Every check of the batch is of single tags, and no append's condition matches an event of an earlier one. */
    private static boolean takesOneText(List<Waiting> batch) {
        List<RawEvent> earlier = new ArrayList<>();
        for (Waiting w : batch) {
            if (!w.append.checksSingleTags() || w.append.conflictsWith(earlier)) {
                return false;
            }
            earlier.addAll(w.append.rows());
        }
        return true;
    }

    /** Gathers the batch's keys; its rows in order into {@code rows}, and each row's append (from 1) into {@code owners}. */
    private static LockKeys gather(List<Waiting> batch, List<RawEvent> rows, List<Integer> owners) {
        LockKeys keys = new LockKeys();
        for (int j = 0; j < batch.size(); j++) {
            PendingAppend a = batch.get(j).append;
            keys.add(a.keys());
            rows.addAll(a.rows());
            for (int r = 0; r < a.rows().size(); r++) {
                owners.add(j + 1);
            }
        }
        return keys;
    }

    /**
     * A batch of two or more whose appends pass or fail on their own checks, each a list of (tag,
     * position) pairs: the lock step (keys in arrays), then one insert of all rows, each row kept
     * unless its append has a pair with an event of the tag stored after the position. The batch
     * is data, so the text is the same for every such batch: each connection keeps it prepared,
     * and PostgreSQL plans it for its first executions only (a text per batch shape, as
     * {@link #statementsPerShape} makes, was planned for 44% of the batches; docs/benchmarks.md,
     * "One statement text per batch").
     */
    private SqlBuilder statementsOfOneText(List<Waiting> batch) {
        List<RawEvent> rows = new ArrayList<>();
        List<Integer> owners = new ArrayList<>();
        LockKeys keys = gather(batch, rows, owners);
        List<Integer> checkOwners = new ArrayList<>();
        List<String> checkTags = new ArrayList<>();
        List<Long> checkAfter = new ArrayList<>();
        for (int j = 0; j < batch.size(); j++) {
            for (AppendCondition c : batch.get(j).append.checked()) {
                for (QueryItem item : c.failIfEventsMatch().items()) {
                    checkOwners.add(j + 1);
                    checkTags.add(item.tags().iterator().next());
                    checkAfter.add(c.after());
                }
            }
        }
        // single-tag checks only (takesOneText): the generic plan is right whatever the values
        SqlBuilder sql = new SqlBuilder().append(LockKeys.GENERIC_LOCK_STATEMENT);
        keys.appendBoundedArraysTo(sql, lockTimeoutMillis);
        sql.append("; ");
        JdbcEventStore.appendInsertInOrder(sql, rows);
        // count(*) as in a single append's check: see PendingAppend.check
        sql.append(" WHERE (?::int4[])[e.ord] <> ALL (ARRAY(SELECT c.owner FROM unnest(?::int4[], ?::text[], ?::int8[])"
                        + " AS c(owner, tag, after) WHERE (SELECT count(*) FROM es_event_tag t WHERE t.tag = c.tag"
                        + " AND t.position > c.after) > 0))")
                .arrayParam("int4", owners.toArray(Integer[]::new)).arrayParam("int4", checkOwners.toArray(Integer[]::new))
                .arrayParam("text", checkTags.toArray(String[]::new)).arrayParam("int8", checkAfter.toArray(Long[]::new));
        return sql.append(JdbcEventStore.RETURNING);
    }

    /**
     * Any other batch of two or more: the lock step, then one insert of all rows, each row kept when its
     * append passes. Append j's pass flag is a one-row CTE, p_j, evaluated once: its check finds
     * no stored event, AND NOT p_i for each earlier append i of the batch with an event its
     * condition matches. The insert's rows are the second result.
     */
    private SqlBuilder statementsPerShape(List<Waiting> batch) {
        List<RawEvent> rows = new ArrayList<>();
        List<Integer> owners = new ArrayList<>();
        LockKeys keys = gather(batch, rows, owners);
        boolean genericPlan = batch.stream().noneMatch(w -> w.append.customPlans());
        SqlBuilder sql = new SqlBuilder().append(LockKeys.lockStatement(genericPlan));
        keys.appendBoundedTo(sql, lockTimeoutMillis);
        sql.append("; WITH ");
        for (int j = 0; j < batch.size(); j++) {
            PendingAppend a = batch.get(j).append;
            sql.append((j == 0 ? "" : ", ") + "p" + j + " AS (SELECT ");
            if (a.checked().isEmpty()) {
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
}
