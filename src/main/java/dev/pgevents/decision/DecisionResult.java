package dev.pgevents.decision;

import dev.pgevents.eventstore.AppendedEvent;
import java.util.List;
import java.util.OptionalLong;

/**
 * What a decision appended (possibly nothing) and how many runs it took.
 *
 * @param events   the appended events with their positions, in order
 * @param attempts runs of the decision (1 without conflicts)
 */
public record DecisionResult(List<AppendedEvent> events, int attempts) {

    public DecisionResult {
        events = List.copyOf(events);
    }

    /** The position of the last appended event (for "read your writes" in the HTTP layer). */
    public OptionalLong lastPosition() {
        return events.isEmpty() ? OptionalLong.empty() : OptionalLong.of(events.get(events.size() - 1).position());
    }
}
