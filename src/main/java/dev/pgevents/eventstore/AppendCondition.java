package dev.pgevents.eventstore;

/**
 * "Fail if an event matching {@link #failIfEventsMatch()} was appended after position
 * {@link #after()}". {@code after == 0} (or {@link #failIfAny(EventQuery)}) means: fail if any
 * matching event exists (positions start at 1). Use the condition a read returns
 * ({@link ReadResult#appendCondition()}), or the read's {@code consistencyPosition} as
 * {@code after}.
 *
 * @param heldLocks null, or the store's opaque proof, set on the condition a complete
 *                  {@link ReadOptions.Consistency#LOCKED} read returns inside a transaction, that
 *                  the query's exclusive condition locks have been held since that read. While the
 *                  proof holds (same transaction, no append since the read, no savepoint rolled
 *                  back over it) no matching event can have been appended, and the store appends
 *                  without a check; otherwise it checks the condition as it does without a proof.
 */
public record AppendCondition(EventQuery failIfEventsMatch, long after, String heldLocks) {

    public AppendCondition {
        if (failIfEventsMatch == null) {
            throw new InvalidAppendException("the condition's query is null");
        }
        if (after < 0) {
            throw new InvalidAppendException("the condition's position is negative: " + after);
        }
    }

    public AppendCondition(EventQuery failIfEventsMatch, long after) {
        this(failIfEventsMatch, after, null);
    }

    public static AppendCondition failIfAny(EventQuery query) {
        return new AppendCondition(query, 0);
    }

    public static AppendCondition failIfAnyAfter(EventQuery query, long after) {
        return new AppendCondition(query, after);
    }
}
