package dev.pgevents.decision;

import dev.pgevents.transaction.Transactions;
import dev.pgevents.eventstore.AppendCondition;
import dev.pgevents.eventstore.AppendConditionFailed;
import dev.pgevents.eventstore.AppendedEvent;
import dev.pgevents.eventstore.Event;
import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.EventStore;
import dev.pgevents.eventstore.EventStoreAccessException;
import dev.pgevents.eventstore.EventStream;
import dev.pgevents.eventstore.InvalidInputException;
import dev.pgevents.eventstore.Metadata;
import dev.pgevents.eventstore.NewEvent;
import dev.pgevents.eventstore.ReadOptions;
import dev.pgevents.eventstore.RecordedEvent;
import dev.pgevents.eventstore.UnknownTypePolicy;
import dev.pgevents.telemetry.Causes;
import dev.pgevents.telemetry.DecisionSpans;
import dev.pgevents.telemetry.TraceSpan;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiPredicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs a {@link Decision} in a new transaction, pessimistically:
 * <ol>
 *   <li>take the EXCLUSIVE condition locks of the union of the states' queries (no writer of a
 *       matching event can be in flight afterwards, and none can start until commit);</li>
 *   <li>read the events of that union (complete: no cap needed) and fold each into every state
 *       whose query matches it;</li>
 *   <li>process; append the new events with the condition "nothing matching the union after the
 *       last position read" that the read returned (checked, and passing by construction);</li>
 *   <li>commit.</li>
 * </ol>
 * A conflict (append condition failed, deadlock 40P01, serialization failure 40001) rolls the
 * transaction back and is retried after a jittered exponential backoff, up to
 * {@link RetryPolicy#maxAttempts()} runs; then {@link DecisionConflictException}. A
 * {@link DecisionRejected} is not retried.
 * <p>
 * With {@link #sharingCommits shared commits} (the store's group commit), a decision made outside
 * any transaction first runs optimistically, without one: the state read takes the condition
 * locks for its one round trip, an implicit transaction of its own (it sees every matching event
 * of writers that held their keys before it, and a writer after it draws a higher position than
 * any it read), then
 * the append, conditioned on nothing matching after the last position read, joins the store's
 * next shared commit. A conflict sends the next run down the locking path above, which waits
 * instead of failing again; the optimistic run does not count against the attempts.
 * Decisions inside a caller's transaction, and those whose events an inline listener handles
 * (it must run in the appending transaction), take the locking path from the start.
 * <p>
 * With a {@link #cachingStates state cache}, each state a decision folded is kept, keyed by its
 * initial state, with the position it is complete up to (the read's, or the last of the
 * decision's own events: the condition's locks kept every other matching writer out until the
 * commit, so its events draw later positions). A decision whose initial states are all cached
 * first runs on them without reading, its append conditioned, for each position the states are
 * cached at (a course's state folded for another student's subscription, the student's at its
 * registration), on nothing matching those states' queries after it: the store's check proves
 * the states current, or fails the append, and the next run (not counted, no backoff) reads the
 * union after the least complete state's position, folding each event only into the states not
 * complete up to it. A rejection or an empty outcome on cached states proves nothing, so it is
 * confirmed by a read too.
 */
public final class DecisionMaker {

    private static final Logger LOG = Logger.getLogger(DecisionMaker.class.getName());

    /**
     * What the state cache did so far: decisions that found all their states, those that did not,
     * runs on cached states that proved out of date, and the states kept.
     */
    public record CacheStatistics(long hits, long misses, long stale, int entries) {
    }

    private final EventStore store;
    private final Transactions transactions;
    private final RetryPolicy retryPolicy;
    private final ReadOptions stateRead;
    /** Null: every run takes the locking path. Else: true for an event (type, tags) that must be appended in a transaction. */
    private final BiPredicate<String, Set<String>> needsTransaction;
    /** Null: no cache, every run reads its states from the start. */
    private final StateCache cache;

    /** A maker whose state reads fail on an event of a type no registered class carries. */
    public DecisionMaker(EventStore store, Transactions transactions, RetryPolicy retryPolicy) {
        this(store, transactions, retryPolicy, UnknownTypePolicy.FAIL);
    }

    /**
     * @param unknownTypes what a state read does with an event of a type no registered class
     *                     carries (another application's, appended over /dcb): FAIL (the decision
     *                     fails with {@link dev.pgevents.eventstore.UndecodableEventException}
     *                     naming type and position) or SKIP (logged, not folded)
     */
    public DecisionMaker(EventStore store, Transactions transactions, RetryPolicy retryPolicy, UnknownTypePolicy unknownTypes) {
        if (store == null || transactions == null || retryPolicy == null || unknownTypes == null) {
            throw new IllegalArgumentException("store, transactions, retryPolicy and unknownTypes are required");
        }
        this.store = store;
        this.transactions = transactions;
        this.retryPolicy = retryPolicy;
        this.stateRead = ReadOptions.defaults().locked().unknownTypes(unknownTypes);
        this.needsTransaction = null;
        this.cache = null;
    }

    private DecisionMaker(DecisionMaker settings, BiPredicate<String, Set<String>> needsTransaction, StateCache cache) {
        this.store = settings.store;
        this.transactions = settings.transactions;
        this.retryPolicy = settings.retryPolicy;
        this.stateRead = settings.stateRead;
        this.needsTransaction = needsTransaction;
        this.cache = cache;
    }

    /**
     * This maker, running a decision made outside any transaction optimistically first, its append
     * sharing the store's group commit (see the class comment). Only worth it on a store with group
     * commit on.
     *
     * @param needsTransaction true for an event (type name, tags) that must be appended inside a
     *                         transaction: one an inline listener handles
     */
    public DecisionMaker sharingCommits(BiPredicate<String, Set<String>> needsTransaction) {
        if (needsTransaction == null) {
            throw new IllegalArgumentException("needsTransaction is required");
        }
        return new DecisionMaker(this, needsTransaction, cache);
    }

    /**
     * This maker, keeping up to {@code entries} folded states (least recently used first out)
     * and deciding on them without a read, or with a short one (see the class comment). Decisions
     * whose initial states are all records are cached. States must be what {@link State} asks:
     * immutable values whose {@code evolve} depends on the event alone; and an event a decision
     * appends must fold as it reads back (the cache folds the decision's own events as produced).
     */
    public DecisionMaker cachingStates(int entries) {
        return new DecisionMaker(this, needsTransaction, new StateCache(entries));
    }

    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    /** The state cache's figures; all zero without one. */
    public CacheStatistics cacheStatistics() {
        return cache == null ? new CacheStatistics(0, 0, 0, 0) : cache.statistics();
    }

    /** Makes the decision; returns what it appended. Throws DecisionRejected or DecisionConflictException. */
    public DecisionResult make(Decision decision) {
        if (decision == null) {
            throw new IllegalArgumentException("decision is null");
        }
        try (TraceSpan span = DecisionSpans.decide(decision.getClass().getSimpleName())) {
            try {
                DecisionResult result = attempts(decision);
                span.attribute(DecisionSpans.EVENTS, result.events().size());
                return result;
            } catch (DecisionRejected rejected) {
                span.attribute(DecisionSpans.REJECTED, rejected.reason());
                throw rejected;
            } catch (RuntimeException e) {
                span.failed(e);
                throw e;
            }
        }
    }

    /** A run on cached states failed its append condition: the states were out of date. */
    private static final class StaleStates extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StaleStates(AppendConditionFailed cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    private DecisionResult attempts(Decision decision) {
        RuntimeException lastConflict = null;
        boolean optimistic = needsTransaction != null && !transactions.active();
        boolean trustCache = cache != null;
        boolean lookedUp = false; // the cache's hits and misses count a decision once
        int runs = 0;
        for (int attempt = 1; attempt <= retryPolicy.maxAttempts(); attempt++) {
            DecisionSpans.attempt(++runs, lastConflict);
            boolean trusting = trustCache;
            try {
                Outcome outcome = null;
                if (optimistic) {
                    outcome = run(decision, true, trusting, !lookedUp);
                    lookedUp = true;
                }
                if (outcome == null) { // the locking path, or the decision's events need a transaction
                    optimistic = false;
                    boolean count = !lookedUp;
                    lookedUp = true;
                    outcome = transactions.inNewTransaction(() -> run(decision, false, trusting, count));
                    if (outcome == null) { // a wrapper of the transactions answered for the run (inbound: a duplicate, a rejection recorded)
                        return new DecisionResult(List.of(), runs);
                    }
                }
                if (outcome.remember() != null) { // committed: the states with the decision's own events
                    cache.put(outcome.keys(), outcome.remember());
                }
                return new DecisionResult(outcome.appended(), runs);
            } catch (DecisionRejected rejected) {
                throw rejected;
            } catch (StaleStates stale) {
                cache.stale();
                lastConflict = stale;
                trustCache = false; // the next run reads what the cache missed
                attempt--; // not counted, no backoff: nobody is to be waited for
                continue;
            } catch (RuntimeException e) {
                if (!isConflict(e)) {
                    throw e;
                }
                lastConflict = e;
                trustCache = false;
                if (optimistic) {
                    optimistic = false; // the locking path waits for the other writer instead of failing again
                    attempt--; // and has the whole budget
                    continue;
                }
                if (attempt < retryPolicy.maxAttempts()) {
                    Duration pause = retryPolicy.backoff(attempt, ThreadLocalRandom.current());
                    LOG.log(Level.FINE, "decision {0} conflicted on attempt {1} ({2}); retrying in {3}",
                            new Object[] {decision.getClass().getSimpleName(), attempt, e.getMessage(), pause});
                    sleep(pause);
                }
            }
        }
        throw new DecisionConflictException(decision.getClass().getSimpleName(), retryPolicy.maxAttempts(), lastConflict);
    }

    /**
     * What a run appended; and, with a cache, each state's entry to keep once the run's
     * transaction has committed (null: nothing to keep).
     */
    private record Outcome(List<AppendedEvent> appended, List<State<?>> keys, List<StateCache.Entry> remember) {
    }

    /** A run on cached states produced events that must be appended in a transaction: straight to the locking path. */
    private static final Outcome NEEDS_TRANSACTION = new Outcome(List.of(), null, null);

    /**
     * One run: inside the transaction (locking path), or without one (optimistic: the read's locks
     * last for the read only); then null when an event produced needs a transaction. With
     * {@code trustCache} and cached states, first on those without a read.
     *
     * @param countLookup count this run's cache lookup as the decision's hit or miss
     */
    private Outcome run(Decision decision, boolean optimistic, boolean trustCache, boolean countLookup) {
        List<State<?>> initial = new ArrayList<>(decision.initialStates());
        List<EventQuery> queries = new ArrayList<>(initial.size());
        for (State<?> s : initial) {
            if (s == null || s.query() == null) {
                throw new IllegalStateException("decision " + decision.getClass().getSimpleName()
                        + " declared a null state or a state without query");
            }
            queries.add(s.query());
        }
        EventQuery union = queries.isEmpty() ? null : EventQuery.union(queries);
        List<State<?>> keys = cache == null || union == null || !StateCache.cacheable(initial) ? null : List.copyOf(initial);
        List<StateCache.Entry> cached = keys == null ? null : cache.get(keys, countLookup);
        List<State<?>> states = new ArrayList<>(initial.size());
        long[] upTo = new long[initial.size()]; // each state is complete up to this position (0: the initial state)
        for (int i = 0; i < initial.size(); i++) {
            StateCache.Entry e = cached == null ? null : cached.get(i);
            states.add(e == null ? initial.get(i) : e.state());
            upTo[i] = e == null ? 0 : e.position();
        }
        if (trustCache && cached != null && !cached.contains(null)) {
            Outcome trusted = onCachedStates(decision, conditions(initial, upTo), keys, states, optimistic);
            if (trusted == NEEDS_TRANSACTION) {
                return null;
            }
            if (trusted != null) {
                return trusted;
            }
        }
        AppendCondition condition = null;
        if (union != null) {
            // after the least complete state: each later event folds into the states not complete up to it
            long from = Arrays.stream(upTo).min().orElse(0);
            ReadOptions read = from == 0 ? stateRead : stateRead.after(from);
            try (TraceSpan span = DecisionSpans.stateRead(); EventStream<RecordedEvent> events = store.read(union, read)) {
                events.stream().forEach(e -> fold(states, upTo, e));
                condition = events.result().appendCondition().orElseThrow();
            }
            if (keys != null) { // committed events only: worth keeping whatever this run's outcome
                // The read was complete to its end for every query of U: each state is complete up
                // to the read's last position and to every position cached before it (a matching
                // writer below one was done before the read's locks were granted). One position
                // for all gives the next decision on these states one condition instead of several.
                long complete = Math.max(condition.after(), Arrays.stream(upTo).max().orElse(0));
                cache.put(keys, states.stream().<StateCache.Entry>map(st -> new StateCache.Entry(st, complete)).toList());
            }
        }
        List<NewEvent> toAppend = toAppend(decision, process(decision, states));
        if (toAppend.isEmpty()) {
            return new Outcome(List.of(), null, null);
        }
        if (optimistic && needsTransaction(toAppend)) {
            return null;
        }
        List<AppendedEvent> appended;
        try (TraceSpan span = DecisionSpans.append(toAppend.size())) {
            appended = condition == null ? store.append(toAppend) : store.append(toAppend, condition);
        }
        return outcome(appended, keys, states);
    }

    /**
     * The proof that cached states are current: per position they are cached at, nothing matching
     * the union of those states' queries after it.
     */
    private static List<AppendCondition> conditions(List<State<?>> states, long[] upTo) {
        Map<Long, List<EventQuery>> byPosition = new LinkedHashMap<>();
        for (int i = 0; i < states.size(); i++) {
            byPosition.computeIfAbsent(upTo[i], p -> new ArrayList<>()).add(states.get(i).query());
        }
        List<AppendCondition> conditions = new ArrayList<>(byPosition.size());
        byPosition.forEach((position, queries) -> conditions.add(new AppendCondition(EventQuery.union(queries), position)));
        return conditions;
    }

    /**
     * The run on cached states: their append's conditions are the proof they are current. Null when
     * that proof is missing (a rejection, no events, a failure of {@code process}, perhaps caused
     * by out-of-date states): then the states are read. {@link #NEEDS_TRANSACTION} when the events
     * need a transaction the optimistic run does not have.
     */
    private Outcome onCachedStates(Decision decision, List<AppendCondition> conditions, List<State<?>> keys,
                                   List<State<?>> cachedStates, boolean optimistic) {
        List<State<?>> states = new ArrayList<>(cachedStates);
        List<NewEvent> toAppend;
        try {
            toAppend = toAppend(decision, process(decision, states));
        } catch (RuntimeException e) { // a rejection, or a failure, perhaps on out-of-date states: the read path decides
            return null;
        }
        if (toAppend.isEmpty()) {
            return null;
        }
        if (optimistic && needsTransaction(toAppend)) {
            return NEEDS_TRANSACTION;
        }
        List<AppendedEvent> appended;
        try (TraceSpan span = DecisionSpans.append(toAppend.size())) {
            appended = store.appendWithConditions(toAppend, conditions);
        } catch (AppendConditionFailed failed) {
            throw new StaleStates(failed);
        }
        return outcome(appended, keys, states);
    }

    private static List<? extends Event> process(Decision decision, List<State<?>> states) {
        try (TraceSpan span = DecisionSpans.process()) {
            return decision.process(new States(states));
        }
    }

    private static List<NewEvent> toAppend(Decision decision, List<? extends Event> produced) {
        if (produced == null || produced.isEmpty()) {
            return List.of();
        }
        Metadata metadata = Causes.stamp(decision.metadata());
        List<NewEvent> toAppend = new ArrayList<>(produced.size());
        for (Event e : produced) {
            if (e == null) {
                throw new InvalidInputException("decision " + decision.getClass().getSimpleName() + " produced a null event");
            }
            toAppend.add(NewEvent.of(e, metadata));
        }
        return toAppend;
    }

    private boolean needsTransaction(List<NewEvent> toAppend) {
        return toAppend.stream().map(NewEvent::event)
                .anyMatch(e -> needsTransaction.test(store.registry().typeName(e.getClass()), store.registry().tagsOf(e)));
    }

    /** The appended events; with a cache, the states with them folded in, each complete up to the last. */
    private static Outcome outcome(List<AppendedEvent> appended, List<State<?>> keys, List<State<?>> states) {
        if (keys == null) {
            return new Outcome(appended, null, null);
        }
        long[] none = new long[states.size()]; // the decision's own events are later than anything folded
        for (AppendedEvent e : appended) {
            fold(states, none, e.recorded());
        }
        long last = appended.stream().mapToLong(AppendedEvent::position).max().orElseThrow();
        return new Outcome(appended, keys, states.stream().<StateCache.Entry>map(s -> new StateCache.Entry(s, last)).toList());
    }

    /**
     * Folds the event into every state whose query matches it (the union read may carry others)
     * and that is not complete up to its position already.
     */
    static void fold(List<State<?>> states, long[] upTo, RecordedEvent event) {
        for (int i = 0; i < states.size(); i++) {
            State<?> s = states.get(i);
            if (event.position() > upTo[i] && s.query().matches(event.type(), event.tags())) {
                State<?> next = s.evolve(event);
                if (next == null) {
                    throw new IllegalStateException(s.getClass().getSimpleName() + ".evolve returned null");
                }
                states.set(i, next);
            }
        }
    }

    /** Conflicts worth a retry: a failed append condition, a deadlock, a serialization failure. */
    public static boolean isConflict(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AppendConditionFailed) {
                return true;
            }
            if (t instanceof EventStoreAccessException access && access.isTransient()) {
                return true;
            }
            if (t instanceof SQLException sql && (EventStoreAccessException.DEADLOCK.equals(sql.getSQLState())
                    || EventStoreAccessException.SERIALIZATION_FAILURE.equals(sql.getSQLState()))) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis(), (int) (pause.toNanosPart() % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while backing off", e);
        }
    }
}
