package dev.pgevents.eventstore;

/** Order of a read: ascending positions, or descending (newest first). */
public enum Direction {
    FORWARD, BACKWARD
}
