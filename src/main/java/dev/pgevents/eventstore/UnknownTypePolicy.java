package dev.pgevents.eventstore;

/** What a typed read does with a stored type name that no registered class carries. */
public enum UnknownTypePolicy {
    /** Throw {@link UndecodableEventException} naming the type and position (the default). */
    FAIL,
    /** Log a WARNING line naming the type and position, and skip the event. */
    SKIP
}
