package dev.pgevents.eventstore;

/**
 * How to read: positions from {@code from} to {@code to} (both inclusive), direction, limit
 * ({@code 0} = none), and what bounds the read from above:
 * <ul>
 *   <li>{@link Consistency#SAFE} (default): capped at the query's safe position
 *       ({@link EventStore#safePosition(EventQuery)}), so the read never steps over a matching
 *       event that commits later with a lower position, and the read has a sound
 *       {@code consistencyPosition};</li>
 *   <li>{@link Consistency#LOCKED}: first takes the exclusive condition locks of the query (until
 *       the end of the caller's transaction; outside one, for the read's own round trip), then
 *       reads everything that matches: no in-flight writer of a matching event can exist (see
 *       docs/event-store.md);</li>
 *   <li>{@link Consistency#UNCAPPED}: every visible event; no sound consistency position.</li>
 * </ul>
 */
public record ReadOptions(long from, long to, Direction direction, int limit, Consistency consistency,
                          UnknownTypePolicy unknownTypes) {

    /** What bounds a read from above. */
    public enum Consistency { SAFE, LOCKED, UNCAPPED }

    private static final ReadOptions DEFAULTS = new ReadOptions(1, Long.MAX_VALUE, Direction.FORWARD, 0,
            Consistency.SAFE, UnknownTypePolicy.FAIL);

    public ReadOptions {
        if (from < 0) {
            throw new InvalidInputException("from is negative: " + from);
        }
        if (to < from) {
            throw new InvalidInputException("to (" + to + ") is below from (" + from + ")");
        }
        if (limit < 0) {
            throw new InvalidInputException("limit is negative: " + limit);
        }
        if (direction == null || consistency == null || unknownTypes == null) {
            throw new InvalidInputException("direction, consistency and unknownTypes must not be null");
        }
    }

    /** Forward from position 1, no limit, capped at the safe position, unknown types fail. */
    public static ReadOptions defaults() {
        return DEFAULTS;
    }

    public ReadOptions from(long position) {
        return new ReadOptions(position, to, direction, limit, consistency, unknownTypes);
    }

    /** Only events after this position (exclusive). */
    public ReadOptions after(long position) {
        return from(position + 1);
    }

    public ReadOptions to(long position) {
        return new ReadOptions(from, position, direction, limit, consistency, unknownTypes);
    }

    public ReadOptions limit(int max) {
        return new ReadOptions(from, to, direction, max, consistency, unknownTypes);
    }

    public ReadOptions backwards() {
        return new ReadOptions(from, to, Direction.BACKWARD, limit, consistency, unknownTypes);
    }

    public ReadOptions uncapped() {
        return new ReadOptions(from, to, direction, limit, Consistency.UNCAPPED, unknownTypes);
    }

    public ReadOptions locked() {
        return new ReadOptions(from, to, direction, limit, Consistency.LOCKED, unknownTypes);
    }

    public ReadOptions safe() {
        return new ReadOptions(from, to, direction, limit, Consistency.SAFE, unknownTypes);
    }

    public ReadOptions skipUnknownTypes() {
        return new ReadOptions(from, to, direction, limit, consistency, UnknownTypePolicy.SKIP);
    }

    public ReadOptions unknownTypes(UnknownTypePolicy policy) {
        return new ReadOptions(from, to, direction, limit, consistency, policy);
    }
}
