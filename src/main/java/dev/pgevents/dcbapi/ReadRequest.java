package dev.pgevents.dcbapi;

import dev.pgevents.eventstore.Direction;
import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.ReadOptions;
import dev.pgevents.eventstore.UnknownTypePolicy;

/**
 * A parsed read: the query, {@code from} (inclusive; null = from the start, or from the newest
 * when backwards), {@code limit} (null = none) and the direction.
 */
public record ReadRequest(EventQuery query, Long from, Long limit, boolean backwards) {

    /** True when the answer is empty whatever the store holds ({@code limit} 0). */
    public boolean empty() {
        return limit != null && limit == 0;
    }

    /**
     * The store's options: capped at the safe position ({@link ReadOptions.Consistency#SAFE}).
     * Ascending: positions {@code >= from}; backwards: positions {@code <= from}.
     */
    public ReadOptions storeOptions() {
        int max = limit == null ? 0 : (int) Math.min(limit, Integer.MAX_VALUE);
        if (backwards) {
            long to = from == null ? Long.MAX_VALUE : from;
            return new ReadOptions(0, to, Direction.BACKWARD, max, ReadOptions.Consistency.SAFE, UnknownTypePolicy.FAIL);
        }
        long start = from == null ? 1 : from;
        return new ReadOptions(start, Long.MAX_VALUE, Direction.FORWARD, max, ReadOptions.Consistency.SAFE,
                UnknownTypePolicy.FAIL);
    }
}
