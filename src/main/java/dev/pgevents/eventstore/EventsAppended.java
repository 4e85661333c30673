package dev.pgevents.eventstore;

import java.util.List;

/**
 * CDI event the store's bean fires after each append, inside the appending transaction:
 * listeners observe it {@code during = TransactionPhase.AFTER_SUCCESS} as a wake-up (only after
 * the commit), and inline listeners observe it synchronously to run in the append transaction.
 *
 * @param lastPosition the highest position of the append
 * @param events       the appended events, in order
 */
public record EventsAppended(long lastPosition, List<AppendedEvent> events) {

    public EventsAppended {
        events = events == null ? List.of() : List.copyOf(events);
    }

    /** The event of an append of these events (at least one). */
    public static EventsAppended of(List<AppendedEvent> events) {
        return new EventsAppended(events.get(events.size() - 1).position(), events);
    }
}
