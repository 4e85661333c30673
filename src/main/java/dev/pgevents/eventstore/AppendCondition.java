package dev.pgevents.eventstore;

/**
 * "Fail if an event matching {@link #failIfEventsMatch()} was appended after position
 * {@link #after()}". {@code after == 0} (or {@link #failIfAny(EventQuery)}) means: fail if any
 * matching event exists (positions start at 1). Use the condition a read returns
 * ({@link ReadResult#appendCondition()}), or the read's {@code consistencyPosition} as
 * {@code after}.
 */
public record AppendCondition(EventQuery failIfEventsMatch, long after) {

    public AppendCondition {
        if (failIfEventsMatch == null) {
            throw new InvalidInputException("the condition's query is null");
        }
        if (after < 0) {
            throw new InvalidInputException("the condition's position is negative: " + after);
        }
    }

    public static AppendCondition failIfAny(EventQuery query) {
        return new AppendCondition(query, 0);
    }

    public static AppendCondition failIfAnyAfter(EventQuery query, long after) {
        return new AppendCondition(query, after);
    }
}
