package dev.pgevents.decision;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Folded states, each keyed by its initial state, with the position it is complete up to: every
 * event matching its query at or below that position is folded in. One entry per state, not per
 * decision: a course's state folded for one student's subscription serves the next student's,
 * whose own state may be cached too. Least recently used entries go first. A decision's states
 * are cached only when all of them are records: a record's equality is its values, so equal
 * initial states fold the same events to the same result, whichever decision folds them.
 */
final class StateCache {

    /** A folded state, complete up to {@code position} (no other matching event can appear at or below it). */
    record Entry(State<?> state, long position) {
    }

    private final int capacity;
    private final Map<State<?>, Entry> entries; // guarded by this
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong stale = new AtomicLong();

    StateCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("the state cache needs room for one entry at least: " + capacity);
        }
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<State<?>, Entry> eldest) {
                return size() > StateCache.this.capacity;
            }
        };
    }

    /** Whether a decision on these initial states is cached: all of them are records. */
    static boolean cacheable(List<State<?>> initialStates) {
        return initialStates.stream().allMatch(s -> s.getClass().isRecord());
    }

    /**
     * The entry of each initial state, null where there is none.
     *
     * @param count count the lookup as a hit (every state found) or a miss (a decision's first run only)
     */
    synchronized List<Entry> get(List<State<?>> initialStates, boolean count) {
        List<Entry> found = new ArrayList<>(initialStates.size());
        boolean all = true;
        for (State<?> s : initialStates) {
            Entry e = entries.get(s);
            all &= e != null;
            found.add(e);
        }
        if (count) {
            (all ? hits : misses).incrementAndGet();
        }
        return found;
    }

    /** Keeps each state's entry unless one complete up to a later position is there already. */
    synchronized void put(List<State<?>> initialStates, List<Entry> folded) {
        for (int i = 0; i < initialStates.size(); i++) {
            Entry present = entries.get(initialStates.get(i));
            if (present == null || present.position() <= folded.get(i).position()) {
                entries.put(initialStates.get(i), folded.get(i));
            }
        }
    }

    /** A decision made on cached states failed its append condition: another writer got there first. */
    void stale() {
        stale.incrementAndGet();
    }

    synchronized DecisionMaker.CacheStatistics statistics() {
        return new DecisionMaker.CacheStatistics(hits.get(), misses.get(), stale.get(), entries.size());
    }
}
