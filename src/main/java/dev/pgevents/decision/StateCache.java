package dev.pgevents.decision;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The folded states of recent decisions, keyed by their initial states, each with the position
 * it is complete up to: every event matching the states' queries at or below it is folded in.
 * Least recently used entries go first. Only states that are records are cached: a record's
 * equality is its values, so equal initial states fold the same events to the same result.
 */
final class StateCache {

    /** Folded states, complete up to {@code position} (no other matching event can appear at or below it). */
    record Entry(List<State<?>> states, long position) {
        Entry {
            states = List.copyOf(states);
        }
    }

    private final int capacity;
    private final Map<List<State<?>>, Entry> entries; // guarded by this
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
            protected boolean removeEldestEntry(Map.Entry<List<State<?>>, Entry> eldest) {
                return size() > StateCache.this.capacity;
            }
        };
    }

    /** The key for these initial states, or null when one of them is not a record (not cached). */
    static List<State<?>> keyOf(List<State<?>> initialStates) {
        for (State<?> s : initialStates) {
            if (!s.getClass().isRecord()) {
                return null;
            }
        }
        return List.copyOf(initialStates);
    }

    /** @param count count the lookup as a hit or a miss (a decision's first run only) */
    synchronized Entry get(List<State<?>> key, boolean count) {
        Entry e = entries.get(key);
        if (count) {
            (e == null ? misses : hits).incrementAndGet();
        }
        return e;
    }

    /** Keeps the entry unless one complete up to a later position is there already. */
    synchronized void put(List<State<?>> key, Entry entry) {
        Entry present = entries.get(key);
        if (present == null || present.position() <= entry.position()) {
            entries.put(key, entry);
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
