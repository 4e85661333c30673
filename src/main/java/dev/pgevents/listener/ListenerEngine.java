package dev.pgevents.listener;

import dev.pgevents.decision.Transactions;
import dev.pgevents.eventstore.EventStore;
import dev.pgevents.eventstore.EventStream;
import dev.pgevents.eventstore.ReadOptions;
import dev.pgevents.eventstore.ReadResult;
import dev.pgevents.eventstore.RecordedEvent;
import dev.pgevents.eventstore.StoredEvent;
import dev.pgevents.eventstore.UnknownTypePolicy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Runs event listeners: gap-free, in position order, at least once, with the handler's writes and
 * the checkpoint in one transaction. Plain Java on a {@link Transactions} boundary and a
 * transaction-aware {@link DataSource} (JTA in the application, a test stand-in in unit tests);
 * the application drives it from EJB timers and wake-ups ({@code dev.pgevents.listener.cdi}).
 *
 * <p>One step of a listener is one transaction: lock its checkpoint row ({@code FOR UPDATE}),
 * check this node's lease and the status, read the matching events after the checkpoint up to the
 * store's safe position ({@link EventStore#safePosition()}, read in an earlier statement than the
 * events), hand them to the handler in position order, and move the checkpoint to the read's
 * consistency position: the last event read when the batch was full, else the safe position
 * itself. See docs/listeners.md for why no event is ever stepped over.
 */
public final class ListenerEngine {

    private static final Logger LOG = Logger.getLogger(ListenerEngine.class.getName());
    private static final int MAX_ERROR_TEXT = 4000;

    private final String node;
    private final Transactions transactions;
    private final DataSource dataSource;
    private final EventStore store;
    private final BiFunction<StoredEvent, UnknownTypePolicy, RecordedEvent> decoder;
    private final Function<String, ListenerSettings> settings;
    private final ListenerObserver observer;
    private final Map<String, Registered> listeners = new ConcurrentHashMap<>();

    /**
     * @param node         this node's id (lease owner name); unique per running engine
     * @param transactions the transaction boundary the steps run in
     * @param dataSource   transaction-aware: inside a transaction every connection is the transaction's
     * @param store        the event store on the same data source
     * @param decoder      turns a raw event into a recorded one (null = skip it)
     * @param settings     the settings of each listener id
     */
    public ListenerEngine(String node, Transactions transactions, DataSource dataSource, EventStore store,
                          BiFunction<StoredEvent, UnknownTypePolicy, RecordedEvent> decoder,
                          Function<String, ListenerSettings> settings, ListenerObserver observer) {
        this.node = Objects.requireNonNull(node, "node");
        this.transactions = Objects.requireNonNull(transactions, "transactions");
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.store = Objects.requireNonNull(store, "store");
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.observer = observer == null ? ListenerObserver.NONE : observer;
    }

    public String node() {
        return node;
    }

    /** Per-listener runtime state of this node. */
    private static final class Registered {
        final EventListener listener;
        final ListenerSettings settings;
        final ReentrantLock running = new ReentrantLock();
        /** System.nanoTime() until which this node surely holds the lease (0: unknown, ask). */
        volatile long leaseSureUntil;
        /** While the checkpoint is below this position, run one event per transaction (isolation). */
        volatile long isolateThrough = -1;

        Registered(EventListener listener, ListenerSettings settings) {
            this.listener = listener;
            this.settings = settings;
        }
    }

    // ------------------------------------------------------------------------------ registration

    /** Registers a listener and creates its checkpoint row (position 0) if it has none. */
    public void register(EventListener listener) {
        String id = listener.id();
        if (id == null || id.isBlank() || id.length() > 200 || !id.matches("[A-Za-z0-9._:-]+")) {
            throw new IllegalArgumentException("invalid listener id '" + id + "': use 1..200 of A-Z a-z 0-9 . _ : -");
        }
        ListenerSettings s = settings.apply(id);
        if (listeners.putIfAbsent(id, new Registered(listener, s)) != null) {
            throw new IllegalStateException("two listeners have the id '" + id + "'");
        }
        inTx(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO es_listener (listener_id) VALUES (?) ON CONFLICT (listener_id) DO NOTHING")) {
                ps.setString(1, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    public Collection<String> ids() {
        return List.copyOf(listeners.keySet());
    }

    public boolean isRegistered(String id) {
        return listeners.containsKey(id);
    }

    public ListenerSettings settings(String id) {
        return registered(id).settings;
    }

    public EventListener listener(String id) {
        return registered(id).listener;
    }

    // -------------------------------------------------------------------------------------- pass

    /**
     * One pass over a listener: takes or renews the lease, then handles batches until caught up,
     * an event fails, or the pass's time budget is spent. Database errors propagate (the caller
     * tries again at the next tick: a database outage stops the loop and it resumes by itself).
     */
    public PassResult runPass(String id) {
        Registered r = listeners.get(id);
        if (r == null || !r.settings.enabled()) {
            return PassResult.of(PassResult.Kind.UNKNOWN, 0);
        }
        if (!r.running.tryLock()) {
            return PassResult.of(PassResult.Kind.BUSY, 0);
        }
        try {
            if (!ensureLease(r)) {
                return PassResult.of(PassResult.Kind.NOT_OWNER, 0);
            }
            long deadline = System.nanoTime() + r.settings.maxPassDuration().toNanos();
            int handled = 0;
            while (true) {
                PassResult step = step(r);
                handled += step.handled();
                if (step.kind() != PassResult.Kind.MORE) {
                    return new PassResult(step.kind(), handled, step.delay());
                }
                if (System.nanoTime() - deadline > 0) {
                    return PassResult.of(PassResult.Kind.MORE, handled);
                }
            }
        } finally {
            r.running.unlock();
        }
    }

    /** Runs passes until the listener is caught up (or cannot go on); for tests and rebuilds. */
    public int runUntilCaughtUp(String id) {
        int total = 0;
        while (true) {
            PassResult p = runPass(id);
            total += p.handled();
            if (p.kind() != PassResult.Kind.MORE) {
                return total;
            }
        }
    }

    /** Failure details of one step, filled in inside the transaction. */
    private static final class Attempt {
        long checkpoint = -1;
        Long failedPosition;
        StoredEvent failedEvent;
        Throwable error;
        int handledBefore;
        int handled;
        long lastPosition = -1;
        boolean single;
        long handlerNanos;
        long committedPosition;
    }

    private static final class HandlerFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HandlerFailed(Throwable cause) {
            super(cause.toString(), cause, false, false);
        }
    }

    private record Row(long position, ListenerStatus status, Long errorPosition, int attempts, long retryWaitMillis,
                       boolean leaseMine) {
    }

    private PassResult step(Registered r) {
        Attempt a = new Attempt();
        try {
            PassResult result = transactions.inNewTransaction(() -> batch(r, a));
            if (result.handled() > 0) {
                observe(() -> observer.committed(r.listener.id(), result.handled(), a.handlerNanos, a.committedPosition));
            }
            return result;
        } catch (RuntimeException e) {
            if (a.failedPosition != null) {
                return recordFailure(r, a, a.error);
            }
            if (a.handled == 0) {
                throw e; // not a handler failure: database unreachable, lease row gone, ...
            }
            if (a.handled > 1) {
                // failed after the handlers returned (end of batch, commit): find the event one by one
                r.isolateThrough = a.lastPosition;
                LOG.log(Level.WARNING, "listener {0}: a batch failed at its end ({1}); handling events one by one"
                        + " through position {2}", new Object[] {r.listener.id(), e, a.lastPosition});
                return PassResult.of(PassResult.Kind.MORE, 0);
            }
            a.failedPosition = a.lastPosition; // the only event of its transaction
            a.handledBefore = 0;
            return recordFailure(r, a, e);
        }
    }

    private PassResult batch(Registered r, Attempt a) throws Exception {
        String id = r.listener.id();
        Row row;
        try (Connection c = dataSource.getConnection()) {
            row = lockRow(c, id);
        }
        if (row == null) {
            throw new ListenerNotFoundException("listener " + id + " has no checkpoint row");
        }
        if (!row.leaseMine) {
            r.leaseSureUntil = 0;
            return PassResult.of(PassResult.Kind.NOT_OWNER, 0);
        }
        if (row.status != ListenerStatus.RUNNING) {
            return PassResult.of(PassResult.Kind.STOPPED, 0);
        }
        long cp = row.position;
        a.checkpoint = cp;
        ReadOptions options = ReadOptions.defaults().after(cp);
        int limit = r.settings.batchSize();
        boolean retrying = false;
        Long errorPosition = row.errorPosition != null && row.errorPosition > cp ? row.errorPosition : null;
        if (errorPosition != null) {
            if (cp < errorPosition - 1) {
                options = options.to(errorPosition - 1); // the events before the failing one, as a batch
            } else {
                if (row.retryWaitMillis > 0) {
                    return new PassResult(PassResult.Kind.RETRY_LATER, 0, Duration.ofMillis(row.retryWaitMillis));
                }
                options = options.to(errorPosition);
                limit = 1;
                retrying = true;
            }
        }
        if (r.isolateThrough > cp) {
            limit = 1;
        } else {
            r.isolateThrough = -1;
        }
        a.single = limit == 1;
        options = options.limit(limit);

        long handlerNanos = 0;
        ReadResult result;
        List<StoredEvent> raws = new ArrayList<>();
        try (EventStream<StoredEvent> events = store.readRaw(r.listener.query(), options)) {
            events.stream().forEach(raws::add);
            result = events.result();
        }
        List<RecordedEvent> decoded = new ArrayList<>(raws.size());
        for (int i = 0; i < raws.size(); i++) {
            StoredEvent raw = raws.get(i);
            try {
                decoded.add(decoder.apply(raw, r.listener.unknownTypes()));
            } catch (RuntimeException e) {
                a.failedPosition = raw.position();
                a.failedEvent = raw;
                a.error = e;
                a.handledBefore = i;
                throw new HandlerFailed(e);
            }
        }
        if (!raws.isEmpty()) {
            long t0 = System.nanoTime();
            try {
                r.listener.beforeBatch(decoded.stream().filter(Objects::nonNull).toList());
            } catch (Exception e) {
                if (raws.size() == 1) {
                    a.failedPosition = raws.get(0).position();
                    a.failedEvent = raws.get(0);
                    a.error = e;
                    a.handledBefore = 0;
                    throw new HandlerFailed(e);
                }
                a.handled = raws.size(); // not attributable: isolate the events one by one
                a.lastPosition = raws.get(raws.size() - 1).position();
                throw new ListenerStateException("listener " + id + ": beforeBatch failed: " + e, e);
            }
            handlerNanos += System.nanoTime() - t0;
        }
        for (int i = 0; i < raws.size(); i++) {
            StoredEvent raw = raws.get(i);
            RecordedEvent event = decoded.get(i);
            long t0 = System.nanoTime();
            try {
                if (event != null) {
                    r.listener.handle(event);
                }
            } catch (Exception | LinkageError | AssertionError e) {
                a.failedPosition = raw.position();
                a.failedEvent = raw;
                a.error = e;
                a.handledBefore = a.handled;
                throw new HandlerFailed(e);
            }
            handlerNanos += System.nanoTime() - t0;
            a.handled++;
            a.lastPosition = raw.position();
        }
        if (a.handled > 0) {
            long t0 = System.nanoTime();
            r.listener.endBatch();
            handlerNanos += System.nanoTime() - t0;
        }
        long next = Math.max(cp, result.consistencyPosition().orElse(cp));
        boolean clearError = errorPosition != null && next >= errorPosition;
        if (next != cp || clearError || row.errorPosition != null && errorPosition == null) {
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "UPDATE es_listener SET position = ?, updated_at = clock_timestamp(),"
                            + " lease_until = clock_timestamp() + ? * interval '1 millisecond'"
                            + (clearError || errorPosition == null
                                    ? ", error_position = NULL, attempts = 0, retry_at = NULL" : "")
                            + " WHERE listener_id = ?")) {
                ps.setLong(1, next);
                ps.setLong(2, r.settings.leaseDuration().toMillis());
                ps.setString(3, id);
                ps.executeUpdate();
            }
            if (clearError) {
                // A STOPped listener's failed event is also recorded as parked: once it got
                // through (after resume), it is no longer a dead letter.
                try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                        "DELETE FROM es_listener_parked WHERE listener_id = ? AND position = ?")) {
                    ps.setString(1, id);
                    ps.setLong(2, errorPosition);
                    ps.executeUpdate();
                }
            }
            r.leaseSureUntil = System.nanoTime() + r.settings.leaseDuration().toNanos() / 2;
        }
        a.handlerNanos = handlerNanos;
        a.committedPosition = next;
        boolean full = result.count() >= limit;
        boolean more = full || errorPosition != null && !retrying || retrying && next >= errorPosition;
        return PassResult.of(more ? PassResult.Kind.MORE : PassResult.Kind.CAUGHT_UP, a.handled);
    }

    /** Locks the listener's row; {@code leaseMine}: THIS node holds an unexpired lease (the fence of every step). */
    private Row lockRow(Connection c, String id) throws SQLException {
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
                long errorPosition = rs.getLong(3);
                Long ep = rs.wasNull() ? null : errorPosition;
                long wait = rs.getLong(5);
                return new Row(rs.getLong(1), ListenerStatus.valueOf(rs.getString(2)), ep, rs.getInt(4), wait,
                        node.equals(rs.getString(6)) && rs.getBoolean(7));
            }
        }
    }

    private PassResult recordFailure(Registered r, Attempt a, Throwable error) {
        String id = r.listener.id();
        long p = a.failedPosition;
        observe(() -> observer.failed(id, p, error));
        String text = describe(error);
        return inTx(c -> {
            Row row = lockRow(c, id);
            if (row == null || !row.leaseMine || row.status != ListenerStatus.RUNNING || row.position != a.checkpoint) {
                return PassResult.of(PassResult.Kind.MORE, 0); // changed meanwhile (reset, lease lost): look again
            }
            int attempts = (row.errorPosition != null && row.errorPosition == p ? row.attempts : 0) + 1;
            // Parking is sound only when the failing event was the first matching one after the checkpoint.
            boolean first = a.handledBefore == 0;
            if (attempts >= r.settings.maxAttempts() && first) {
                StoredEvent e = a.failedEvent != null ? a.failedEvent : readOne(r, p);
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO es_listener_parked (listener_id, position, event_id, type, error, attempts)"
                                + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (listener_id, position) DO UPDATE"
                                + " SET error = excluded.error, attempts = es_listener_parked.attempts + excluded.attempts,"
                                + " parked_at = now()")) {
                    ps.setString(1, id);
                    ps.setLong(2, p);
                    ps.setObject(3, e == null ? new java.util.UUID(0, 0) : e.eventId());
                    ps.setString(4, e == null ? "?" : e.type());
                    ps.setString(5, text);
                    ps.setInt(6, attempts);
                    ps.executeUpdate();
                }
                boolean stop = r.settings.onFailure() == FailurePolicy.STOP;
                try (PreparedStatement ps = c.prepareStatement(stop
                        ? "UPDATE es_listener SET status = 'FAILED', error_position = ?, attempts = ?, retry_at = NULL,"
                                + " last_error = ?, last_error_at = clock_timestamp(), updated_at = clock_timestamp()"
                                + " WHERE listener_id = ?"
                        : "UPDATE es_listener SET position = ?, attempts = ?, error_position = NULL, retry_at = NULL,"
                                + " last_error = ?, last_error_at = clock_timestamp(), updated_at = clock_timestamp()"
                                + " WHERE listener_id = ?")) {
                    ps.setLong(1, p);
                    ps.setInt(2, stop ? attempts : 0);
                    ps.setString(3, text);
                    ps.setString(4, id);
                    ps.executeUpdate();
                }
                observe(() -> observer.parked(id, p));
                LOG.log(Level.SEVERE, "listener {0}: event at position {1} failed {2} time(s) and is parked; {3}. {4}",
                        new Object[] {id, p, attempts, stop ? "the listener stopped" : "the listener goes on", text});
                return stop ? PassResult.of(PassResult.Kind.STOPPED, 0) : PassResult.of(PassResult.Kind.MORE, 0);
            }
            Duration backoff = first ? r.settings.backoff(attempts) : Duration.ZERO;
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE es_listener SET error_position = ?, attempts = ?,"
                            + " retry_at = clock_timestamp() + ? * interval '1 millisecond',"
                            + " last_error = ?, last_error_at = clock_timestamp(), updated_at = clock_timestamp()"
                            + " WHERE listener_id = ?")) {
                ps.setLong(1, p);
                ps.setInt(2, attempts);
                ps.setLong(3, backoff.toMillis());
                ps.setString(4, text);
                ps.setString(5, id);
                ps.executeUpdate();
            }
            LOG.log(Level.WARNING, "listener {0}: event at position {1} failed (attempt {2} of {3}), next attempt in {4} ms: {5}",
                    new Object[] {id, p, attempts, r.settings.maxAttempts(), backoff.toMillis(), text});
            return first ? new PassResult(PassResult.Kind.RETRY_LATER, 0, backoff) : PassResult.of(PassResult.Kind.MORE, 0);
        });
    }

    private StoredEvent readOne(Registered r, long position) {
        try (EventStream<StoredEvent> s = store.readRaw(r.listener.query(),
                ReadOptions.defaults().from(position).to(position).uncapped())) {
            return s.stream().findFirst().orElse(null);
        }
    }

    // ------------------------------------------------------------------------------------- lease

    /** Takes the lease when free or expired, renews it when this node holds it. */
    private boolean ensureLease(Registered r) {
        if (System.nanoTime() - r.leaseSureUntil < 0) {
            return true;
        }
        long start = System.nanoTime();
        boolean mine = inTx(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE es_listener SET lease_owner = ?, lease_until = clock_timestamp() + ? * interval '1 millisecond'"
                            + " WHERE listener_id = (SELECT listener_id FROM es_listener WHERE listener_id = ?"
                            + " AND (lease_owner = ? OR lease_owner IS NULL OR lease_until < clock_timestamp())"
                            + " FOR UPDATE SKIP LOCKED)")) {
                ps.setString(1, node);
                ps.setLong(2, r.settings.leaseDuration().toMillis());
                ps.setString(3, r.listener.id());
                ps.setString(4, node);
                return ps.executeUpdate() == 1;
            }
        });
        r.leaseSureUntil = mine ? start + r.settings.leaseDuration().toNanos() / 2 : 0;
        if (!mine) {
            // our own row lock (a running step) never blocks here: passes of one listener do not overlap
            LOG.log(Level.FINE, "listener {0}: lease held by another node", r.listener.id());
        }
        return mine;
    }

    /** Gives up this node's leases (shutdown), so another node takes over at once. */
    public void releaseLeases() {
        inTx(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE es_listener SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ?")) {
                ps.setString(1, node);
                ps.executeUpdate();
            }
            return null;
        });
        listeners.values().forEach(r -> r.leaseSureUntil = 0);
    }

    // ------------------------------------------------------------------------------------- admin

    public List<ListenerInfo> list() {
        return query(null);
    }

    public ListenerInfo info(String id) {
        List<ListenerInfo> one = query(id);
        if (one.isEmpty()) {
            throw new ListenerNotFoundException("no listener '" + id + "'");
        }
        return one.get(0);
    }

    private List<ListenerInfo> query(String id) {
        return inTx(c -> {
            long head;
            try (PreparedStatement ps = c.prepareStatement("SELECT es_safe_position()"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                head = rs.getLong(1);
            }
            List<ListenerInfo> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT l.listener_id, l.position, l.status, l.last_error, l.last_error_at, l.error_position, l.attempts,"
                            + " l.retry_at, l.lease_owner, l.lease_until,"
                            + " (SELECT count(*) FROM es_listener_parked p WHERE p.listener_id = l.listener_id)"
                            + " FROM es_listener l" + (id == null ? "" : " WHERE l.listener_id = ?")
                            + " ORDER BY l.listener_id")) {
                if (id != null) {
                    ps.setString(1, id);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long position = rs.getLong(2);
                        long ep = rs.getLong(6);
                        Long errorPosition = rs.wasNull() ? null : ep;
                        String lid = rs.getString(1);
                        out.add(new ListenerInfo(lid, position, head, Math.max(0, head - position),
                                ListenerStatus.valueOf(rs.getString(3)), rs.getString(4), instant(rs.getTimestamp(5)),
                                errorPosition, rs.getInt(7), instant(rs.getTimestamp(8)), rs.getString(9),
                                instant(rs.getTimestamp(10)), rs.getLong(11), listeners.containsKey(lid)));
                    }
                }
            }
            return out;
        });
    }

    /** The listener's lag in positions (safe position - checkpoint); 0 when caught up. */
    public long lag(String id) {
        return info(id).lag();
    }

    /** True when the listener has handled everything up to the current safe position. */
    public boolean caughtUp(String id) {
        ListenerInfo i = info(id);
        return i.position() >= i.headPosition();
    }

    public void pause(String id) {
        setStatus(id, ListenerStatus.PAUSED);
    }

    /** Resumes a paused or failed listener; a failed event gets a fresh set of attempts at once. */
    public void resume(String id) {
        setStatus(id, ListenerStatus.RUNNING);
    }

    private void setStatus(String id, ListenerStatus status) {
        inTx(c -> {
            try (PreparedStatement ps = c.prepareStatement(status == ListenerStatus.RUNNING
                    ? "UPDATE es_listener SET status = 'RUNNING', attempts = 0, retry_at = NULL, updated_at = clock_timestamp()"
                            + " WHERE listener_id = ?"
                    : "UPDATE es_listener SET status = ?, updated_at = clock_timestamp() WHERE listener_id = ?")) {
                int i = 1;
                if (status != ListenerStatus.RUNNING) {
                    ps.setString(i++, status.name());
                }
                ps.setString(i, id);
                if (ps.executeUpdate() == 0) {
                    throw new ListenerNotFoundException("no listener '" + id + "'");
                }
            }
            return null;
        });
    }

    /**
     * Resets a listener to a position: in one transaction (waiting for a running batch on any node
     * to commit), the listener's {@link EventListener#reset} clears its state after the position and
     * the checkpoint moves there; retry state and parked events after it are dropped. The listener
     * must be registered on this node (its reset hook runs here).
     */
    public void reset(String id, long position) {
        if (position < 0) {
            throw new IllegalArgumentException("position must be >= 0: " + position);
        }
        Registered r = registered(id);
        inTx(c -> {
            if (lockRow(c, id) == null) {
                throw new ListenerNotFoundException("no listener '" + id + "'");
            }
            try {
                r.listener.reset(position);
            } catch (Exception e) {
                throw new ListenerStateException("listener " + id + " failed to reset: " + e, e);
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE es_listener SET position = ?, error_position = NULL, attempts = 0, retry_at = NULL,"
                            + " status = CASE WHEN status = 'FAILED' THEN 'RUNNING' ELSE status END,"
                            + " updated_at = clock_timestamp() WHERE listener_id = ?")) {
                ps.setLong(1, position);
                ps.setString(2, id);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM es_listener_parked WHERE listener_id = ? AND position > ?")) {
                ps.setString(1, id);
                ps.setLong(2, position);
                ps.executeUpdate();
            }
            return null;
        });
        r.isolateThrough = -1;
        LOG.log(Level.INFO, "listener {0} reset to position {1}", new Object[] {id, position});
    }

    public List<ParkedEvent> parked(String id) {
        return inTx(c -> {
            List<ParkedEvent> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT position, event_id, type, error, attempts, parked_at FROM es_listener_parked"
                            + " WHERE listener_id = ? ORDER BY position")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new ParkedEvent(id, rs.getLong(1), rs.getObject(2, java.util.UUID.class), rs.getString(3),
                                rs.getString(4), rs.getInt(5), instant(rs.getTimestamp(6))));
                    }
                }
            }
            return out;
        });
    }

    /**
     * Skips a parked event for good. When the listener stopped on it (policy STOP), its checkpoint
     * moves past it and the listener runs again.
     */
    public void skipParked(String id, long position) {
        inTx(c -> {
            Row row = lockRow(c, id);
            if (row == null) {
                throw new ListenerNotFoundException("no listener '" + id + "'");
            }
            deleteParked(c, id, position);
            if (row.errorPosition != null && row.errorPosition == position) {
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE es_listener SET position = greatest(position, ?), error_position = NULL, attempts = 0,"
                                + " retry_at = NULL, status = CASE WHEN status = 'FAILED' THEN 'RUNNING' ELSE status END,"
                                + " updated_at = clock_timestamp() WHERE listener_id = ?")) {
                    ps.setLong(1, position);
                    ps.setString(2, id);
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    /**
     * Retries a parked event. When the listener stopped on it, the listener runs again and the event
     * gets a fresh set of attempts in order. Otherwise (the listener went on) the event is handled
     * now, alone, in a transaction of its own; if it fails again it stays parked and this throws
     * {@link ListenerStateException}.
     */
    public void retryParked(String id, long position) {
        Registered r = registered(id);
        Boolean inline = inTx(c -> {
            Row row = lockRow(c, id);
            if (row == null) {
                throw new ListenerNotFoundException("no listener '" + id + "'");
            }
            if (!parkedExists(c, id, position)) {
                throw new ListenerNotFoundException("listener " + id + " has no parked event at position " + position);
            }
            if (row.errorPosition != null && row.errorPosition == position && row.position < position) {
                deleteParked(c, id, position);
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE es_listener SET status = 'RUNNING', attempts = 0, retry_at = NULL,"
                                + " updated_at = clock_timestamp() WHERE listener_id = ?")) {
                    ps.setString(1, id);
                    ps.executeUpdate();
                }
                return false;
            }
            return true;
        });
        if (!inline) {
            return;
        }
        Throwable[] failure = new Throwable[1];
        try {
            transactions.inNewTransaction(() -> {
                try (Connection c = dataSource.getConnection()) {
                    lockRow(c, id); // serialises with the listener's own batches
                    StoredEvent raw = readOne(r, position);
                    if (raw == null) {
                        throw new ListenerNotFoundException("no event at position " + position + " matches listener " + id);
                    }
                    try {
                        RecordedEvent event = decoder.apply(raw, UnknownTypePolicy.FAIL);
                        r.listener.handle(event);
                        r.listener.endBatch();
                    } catch (Exception e) {
                        failure[0] = e;
                        throw new HandlerFailed(e);
                    }
                    deleteParked(c, id, position);
                }
                return null;
            });
        } catch (HandlerFailed | ListenerNotFoundException e) {
            if (failure[0] == null) {
                throw e;
            }
        } catch (RuntimeException e) {
            if (failure[0] == null) {
                failure[0] = e;
            }
        }
        if (failure[0] != null) {
            String text = describe(failure[0]);
            inTx(c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE es_listener_parked SET error = ?, attempts = attempts + 1, parked_at = now()"
                                + " WHERE listener_id = ? AND position = ?")) {
                    ps.setString(1, text);
                    ps.setString(2, id);
                    ps.setLong(3, position);
                    ps.executeUpdate();
                }
                return null;
            });
            throw new ListenerStateException("the parked event at position " + position + " failed again: "
                    + firstLine(text), failure[0]);
        }
    }

    private static boolean parkedExists(Connection c, String id, long position) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM es_listener_parked WHERE listener_id = ? AND position = ?")) {
            ps.setString(1, id);
            ps.setLong(2, position);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static void deleteParked(Connection c, String id, long position) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM es_listener_parked WHERE listener_id = ? AND position = ?")) {
            ps.setString(1, id);
            ps.setLong(2, position);
            if (ps.executeUpdate() == 0) {
                throw new ListenerNotFoundException("listener " + id + " has no parked event at position " + position);
            }
        }
    }

    // ----------------------------------------------------------------------------------- helpers

    /** Observers (metrics) never break the engine. */
    private static void observe(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "listener observer failed", e);
        }
    }

    private Registered registered(String id) {
        Registered r = listeners.get(id);
        if (r == null) {
            throw new ListenerNotFoundException("no listener '" + id + "' is registered on this node");
        }
        return r;
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T run(Connection c) throws Exception;
    }

    private <T> T inTx(SqlWork<T> work) {
        return transactions.inNewTransaction(() -> {
            try (Connection c = dataSource.getConnection()) {
                return work.run(c);
            }
        });
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    /** The exception chain, one line per cause, without stack frames (the log has those). */
    static String describe(Throwable e) {
        StringBuilder b = new StringBuilder();
        Throwable t = e;
        for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HandlerFailed) {
                continue;
            }
            if (b.length() > 0) {
                b.append("\ncaused by: ");
            }
            b.append(t.getClass().getName());
            if (t.getMessage() != null) {
                b.append(": ").append(t.getMessage());
            }
        }
        String s = b.toString();
        return s.length() > MAX_ERROR_TEXT ? s.substring(0, MAX_ERROR_TEXT) : s;
    }

    static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl).trim();
    }
}
