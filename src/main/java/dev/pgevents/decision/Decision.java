package dev.pgevents.decision;

import dev.pgevents.eventstore.Event;
import dev.pgevents.eventstore.Metadata;
import java.util.List;

/**
 * A command as a decision (Disintegrate style): it declares the states it needs, and turns the
 * folded states into new events or a {@link DecisionRejected}. It must be free of side effects:
 * the {@link DecisionMaker} may run it several times (conflict retries).
 */
public interface Decision {

    /** Fresh initial states; each declares its query. May be empty (then the append is unconditional). */
    List<State<?>> initialStates();

    /** New events (possibly none: an idempotent no-op) or a rejection. */
    List<? extends Event> process(States states);

    /** Metadata stored with every event of this decision (correlation, causation, ...). */
    default Metadata metadata() {
        return Metadata.empty();
    }
}
