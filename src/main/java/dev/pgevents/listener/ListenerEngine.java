package dev.pgevents.listener;

import dev.pgevents.telemetry.Causes;
import dev.pgevents.telemetry.ListenerSpans;
import dev.pgevents.telemetry.TraceSpan;
import dev.pgevents.transaction.Transactions;
import dev.pgevents.eventstore.EventStore;
import dev.pgevents.eventstore.EventStream;
import dev.pgevents.eventstore.ReadOptions;
import dev.pgevents.eventstore.ReadResult;
import dev.pgevents.eventstore.RecordedEvent;
import dev.pgevents.eventstore.StoredEvent;
import dev.pgevents.eventstore.UnknownTypePolicy;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
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
 * Operators act on the listeners through {@link ListenerAdmin}; every statement on the listener
 * tables is in {@link ListenerTables}.
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

    /** A listener registered on this node, with this node's runtime state of it. */
    static final class Registered {
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

        String id() {
            return listener.id();
        }
    }

    // ------------------------------------------------------------------------------ registration

    /** Registers a listener and creates its checkpoint row (position 0) if it has none. */
    public void register(EventListener listener) {
        String id = listener.id();
        if (id == null || id.isBlank() || id.length() > 200 || !id.matches("[A-Za-z0-9._:-]+")) {
            throw new IllegalArgumentException("invalid listener id '" + id + "': use 1..200 of A-Z a-z 0-9 . _ : -");
        }
        if (listeners.putIfAbsent(id, new Registered(listener, settings.apply(id))) != null) {
            throw new IllegalStateException("two listeners have the id '" + id + "'");
        }
        inTransaction(c -> {
            ListenerTables.createIfMissing(c, id);
            return null;
        });
    }

    public String node() {
        return node;
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
            return ensureLease(r) ? stepsUntilDone(r) : PassResult.of(PassResult.Kind.NOT_OWNER, 0);
        } finally {
            r.running.unlock();
        }
    }

    private PassResult stepsUntilDone(Registered r) {
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
    }

    // -------------------------------------------------------------------------------------- step

    /** How far one step got, filled in inside its transaction, so a failure can be attributed after the rollback. */
    private static final class StepProgress {
        long checkpoint = -1;
        /** The event that failed and why, when the failure is the listener's. */
        FailedEvent failed;
        int handled;
        long lastPosition = -1;
        long handlerNanos;
        long committedPosition;

        void failedAt(StoredEvent event, Throwable error, int handledBefore) {
            failed = new FailedEvent(event.position(), event, error, handledBefore);
        }
    }

    /**
     * @param event         the raw event, or null when not at hand
     * @param handledBefore events of the batch handled before it (0: it was the first after the checkpoint)
     */
    private record FailedEvent(long position, StoredEvent event, Throwable error, int handledBefore) {
    }

    /**
     * Which events a step reads: the events before a failing one (as a batch of their own), the
     * failing event alone once its backoff has passed, or a batch after the checkpoint.
     *
     * @param errorPosition the failing event ahead of the checkpoint, or null
     * @param retrying      this step reads the failing event itself
     */
    private record Plan(ReadOptions options, int limit, Long errorPosition, boolean retrying) {
    }

    private PassResult step(Registered r) {
        StepProgress progress = new StepProgress();
        try {
            PassResult result = transactions.inNewTransaction(() -> batch(r, progress));
            if (result.handled() > 0) {
                observe(() -> observer.committed(r.id(), result.handled(), progress.handlerNanos,
                        progress.committedPosition));
            }
            return result;
        } catch (RuntimeException e) {
            return afterRollback(r, progress, e);
        }
    }

    /** The step rolled back: record the failing event, or isolate the batch's events when the failure is nobody's. */
    private PassResult afterRollback(Registered r, StepProgress progress, RuntimeException e) {
        if (progress.failed != null) {
            return recordFailure(r, progress.checkpoint, progress.failed);
        }
        if (progress.handled == 0) {
            throw e; // not a handler failure: database unreachable, lease row gone, ...
        }
        if (progress.handled > 1) {
            // failed after the handlers returned (end of batch, commit): find the event one by one
            r.isolateThrough = progress.lastPosition;
            LOG.log(Level.WARNING, "listener {0}: a batch failed at its end ({1}); handling events one by one"
                    + " through position {2}", new Object[] {r.id(), e, progress.lastPosition});
            return PassResult.of(PassResult.Kind.MORE, 0);
        }
        // the only event of its transaction
        return recordFailure(r, progress.checkpoint, new FailedEvent(progress.lastPosition, null, e, 0));
    }

    private PassResult batch(Registered r, StepProgress progress) throws Exception {
        ListenerTables.Row row;
        try (Connection c = dataSource.getConnection()) {
            row = ListenerTables.lock(c, r.id(), node);
        }
        if (row == null) {
            throw new ListenerNotFoundException("listener " + r.id() + " has no checkpoint row");
        }
        if (!row.leaseMine()) {
            r.leaseSureUntil = 0;
            return PassResult.of(PassResult.Kind.NOT_OWNER, 0);
        }
        if (row.status() != ListenerStatus.RUNNING) {
            return PassResult.of(PassResult.Kind.STOPPED, 0);
        }
        progress.checkpoint = row.position();
        Plan plan = plan(r, row);
        if (plan == null) {
            return new PassResult(PassResult.Kind.RETRY_LATER, 0, Duration.ofMillis(row.retryWaitMillis()));
        }
        List<StoredEvent> events = new ArrayList<>();
        ReadResult read = read(r, plan.options(), events);
        handle(r, events, progress);
        long next = Math.max(row.position(), read.consistencyPosition().orElse(row.position()));
        saveCheckpoint(r, row, plan, next);
        progress.committedPosition = next;
        boolean full = read.count() >= plan.limit();
        boolean more = full || plan.errorPosition() != null && (!plan.retrying() || next >= plan.errorPosition());
        return PassResult.of(more ? PassResult.Kind.MORE : PassResult.Kind.CAUGHT_UP, progress.handled);
    }

    /** What this step reads; null while the failing event's backoff has not passed. */
    private static Plan plan(Registered r, ListenerTables.Row row) {
        long checkpoint = row.position();
        ReadOptions options = ReadOptions.defaults().after(checkpoint);
        int limit = r.settings.batchSize();
        boolean retrying = false;
        Long errorPosition = row.errorPosition() != null && row.errorPosition() > checkpoint ? row.errorPosition() : null;
        if (errorPosition != null) {
            if (checkpoint < errorPosition - 1) {
                options = options.to(errorPosition - 1); // the events before the failing one, as a batch
            } else if (row.retryWaitMillis() > 0) {
                return null;
            } else {
                options = options.to(errorPosition);
                limit = 1;
                retrying = true;
            }
        }
        if (r.isolateThrough > checkpoint) {
            limit = 1;
        } else {
            r.isolateThrough = -1;
        }
        return new Plan(options.limit(limit), limit, errorPosition, retrying);
    }

    private ReadResult read(Registered r, ReadOptions options, List<StoredEvent> into) {
        try (EventStream<StoredEvent> events = store.readRaw(r.listener.query(), options)) {
            events.stream().forEach(into::add);
            return events.result();
        }
    }

    /** Decodes the events and hands them to the listener: beforeBatch, handle each, endBatch. */
    private void handle(Registered r, List<StoredEvent> events, StepProgress progress) throws Exception {
        if (events.isEmpty()) {
            return;
        }
        List<RecordedEvent> decoded = decodeAll(r, events, progress);
        try (TraceSpan span = ListenerSpans.batch(r.id(), decoded)) {
            long t0 = System.nanoTime();
            beforeBatch(r, events, decoded, progress);
            for (int i = 0; i < events.size(); i++) {
                handleOne(r, events.get(i), decoded.get(i), progress);
            }
            r.listener.endBatch();
            progress.handlerNanos = System.nanoTime() - t0;
        }
    }

    /** A failing decode is the event's failure, like a failing handler. */
    private List<RecordedEvent> decodeAll(Registered r, List<StoredEvent> events, StepProgress progress) {
        List<RecordedEvent> decoded = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            try {
                decoded.add(decoder.apply(events.get(i), r.listener.unknownTypes()));
            } catch (RuntimeException e) {
                progress.failedAt(events.get(i), e, i);
                throw new HandlerFailed(e);
            }
        }
        return decoded;
    }

    private static void beforeBatch(Registered r, List<StoredEvent> events, List<RecordedEvent> decoded,
                                    StepProgress progress) {
        try {
            r.listener.beforeBatch(decoded.stream().filter(Objects::nonNull).toList());
        } catch (Exception e) {
            if (events.size() == 1) {
                progress.failedAt(events.get(0), e, 0);
                throw new HandlerFailed(e);
            }
            progress.handled = events.size(); // not attributable: isolate the events one by one
            progress.lastPosition = events.get(events.size() - 1).position();
            throw new ListenerStateException("listener " + r.id() + ": beforeBatch failed: " + e, e);
        }
    }

    private static void handleOne(Registered r, StoredEvent raw, RecordedEvent event, StepProgress progress) {
        try {
            if (event != null) { // null: an unknown type the listener skips
                try (Causes.Scope cause = Causes.causedBy(event)) {
                    r.listener.handle(event);
                }
            }
        } catch (Exception | LinkageError | AssertionError e) {
            progress.failedAt(raw, e, progress.handled);
            throw new HandlerFailed(e);
        }
        progress.handled++;
        progress.lastPosition = raw.position();
    }

    /** Moves the checkpoint (never backwards) and renews the lease; a failing event that got through is cleared. */
    private void saveCheckpoint(Registered r, ListenerTables.Row row, Plan plan, long next) throws Exception {
        Long errorPosition = plan.errorPosition();
        boolean failingEventDone = errorPosition != null && next >= errorPosition;
        boolean staleRetryState = row.errorPosition() != null && errorPosition == null;
        if (next == row.position() && !failingEventDone && !staleRetryState) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            ListenerTables.advance(c, r.id(), next, r.settings.leaseDuration().toMillis(),
                    failingEventDone || errorPosition == null);
            if (failingEventDone) {
                // A STOPped listener's failed event is also recorded as parked: once it got
                // through (after resume), it is no longer a dead letter.
                ListenerTables.unpark(c, r.id(), errorPosition);
            }
        }
        r.leaseSureUntil = System.nanoTime() + r.settings.leaseDuration().toNanos() / 2;
    }

    // ---------------------------------------------------------------------------------- failures

    /**
     * An event failed: another attempt after the backoff, or, after the last attempt, park it and
     * go on (PARK) or stop the listener before it (STOP).
     */
    private PassResult recordFailure(Registered r, long checkpoint, FailedEvent failed) {
        observe(() -> observer.failed(r.id(), failed.position(), failed.error()));
        String error = ErrorText.describe(failed.error());
        return inTransaction(c -> {
            ListenerTables.Row row = ListenerTables.lock(c, r.id(), node);
            if (row == null || !row.leaseMine() || row.status() != ListenerStatus.RUNNING || row.position() != checkpoint) {
                return PassResult.of(PassResult.Kind.MORE, 0); // changed meanwhile (reset, lease lost): look again
            }
            int attempts = (row.failedAt(failed.position()) ? row.attempts() : 0) + 1;
            // Parking is sound only when the failing event was the first matching one after the checkpoint.
            boolean first = failed.handledBefore() == 0;
            if (attempts >= r.settings.maxAttempts() && first) {
                return park(c, r, failed, attempts, error);
            }
            return scheduleRetry(c, r, failed.position(), attempts, first, error);
        });
    }

    private PassResult park(Connection c, Registered r, FailedEvent failed, int attempts, String error) throws Exception {
        long position = failed.position();
        StoredEvent event = failed.event() != null ? failed.event() : readOne(r, position);
        ListenerTables.park(c, r.id(), position, event == null ? new UUID(0, 0) : event.eventId(),
                event == null ? "?" : event.type(), error, attempts);
        boolean stop = r.settings.onFailure() == FailurePolicy.STOP;
        if (stop) {
            ListenerTables.stopAt(c, r.id(), position, attempts, error);
        } else {
            ListenerTables.goOnAfter(c, r.id(), position, error);
        }
        observe(() -> observer.parked(r.id(), position));
        LOG.log(Level.SEVERE, "listener {0}: event at position {1} (correlation id {5}) failed {2} time(s) and is parked; {3}. {4}",
                new Object[] {r.id(), position, attempts, stop ? "the listener stopped" : "the listener goes on", error,
                        event == null ? null : Causes.correlationId(event.metadata())});
        return PassResult.of(stop ? PassResult.Kind.STOPPED : PassResult.Kind.MORE, 0);
    }

    /** The first event after the checkpoint waits for its backoff; a later one is retried at once, after its predecessors. */
    private static PassResult scheduleRetry(Connection c, Registered r, long position, int attempts, boolean first,
                                            String error) throws Exception {
        Duration backoff = first ? r.settings.backoff(attempts) : Duration.ZERO;
        ListenerTables.scheduleRetry(c, r.id(), position, attempts, backoff.toMillis(), error);
        LOG.log(Level.WARNING, "listener {0}: event at position {1} failed (attempt {2} of {3}), next attempt in {4} ms: {5}",
                new Object[] {r.id(), position, attempts, r.settings.maxAttempts(), backoff.toMillis(), error});
        return first ? new PassResult(PassResult.Kind.RETRY_LATER, 0, backoff) : PassResult.of(PassResult.Kind.MORE, 0);
    }

    /** The listener's event at a position (null if none matches), read past the safe position. */
    StoredEvent readOne(Registered r, long position) {
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
        boolean mine = inTransaction(c -> ListenerTables.takeLease(c, r.id(), node, r.settings.leaseDuration().toMillis()));
        r.leaseSureUntil = mine ? start + r.settings.leaseDuration().toNanos() / 2 : 0;
        if (!mine) {
            // our own row lock (a running step) never blocks here: passes of one listener do not overlap
            LOG.log(Level.FINE, "listener {0}: lease held by another node", r.id());
        }
        return mine;
    }

    /** Gives up this node's leases (shutdown), so another node takes over at once. */
    public void releaseLeases() {
        inTransaction(c -> {
            ListenerTables.releaseLeases(c, node);
            return null;
        });
        listeners.values().forEach(r -> r.leaseSureUntil = 0);
    }

    // ----------------------------------------------------------------------------------- for the admin

    Registered registered(String id) {
        Registered r = listeners.get(id);
        if (r == null) {
            throw new ListenerNotFoundException("no listener '" + id + "' is registered on this node");
        }
        return r;
    }

    RecordedEvent decode(StoredEvent event, UnknownTypePolicy unknownTypes) {
        return decoder.apply(event, unknownTypes);
    }

    EventStore store() {
        return store;
    }

    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection c) throws Exception;
    }

    /** Runs the work in a transaction of its own, on the transaction's connection. */
    <T> T inTransaction(SqlWork<T> work) {
        return transactions.inNewTransaction(() -> {
            try (Connection c = dataSource.getConnection()) {
                return work.run(c);
            }
        });
    }

    /** Observers (metrics) never break the engine. */
    private static void observe(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "listener observer failed", e);
        }
    }
}
