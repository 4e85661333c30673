package dev.pgevents.decision;

import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.RecordedEvent;

/**
 * A piece of state a decision needs: an immutable value (typically a record) that declares which
 * events it is built from and folds them, one at a time, in position order.
 *
 * @param <S> the state type itself
 */
public interface State<S extends State<S>> {

    /** The events this state is built from; also the consistency boundary of the decision. */
    EventQuery query();

    /** The state after this event (only events matching {@link #query()} are passed). */
    S evolve(RecordedEvent event);
}
