package dev.pgevents.listener;

import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.RecordedEvent;
import dev.pgevents.eventstore.UnknownTypePolicy;

/**
 * An event listener: an id, the query of the events it wants, and a handler. Declaring one is a
 * CDI bean implementing this interface (e.g. {@code @ApplicationScoped}); the listener engine
 * finds it at start-up. The handler runs in the engine's JTA transaction, in position order, in
 * batches: its writes to the application's database (JPA or JDBC) commit together with the
 * listener's checkpoint, so a read model sees each event's effect exactly once even though
 * delivery is at least once (a batch that rolls back is delivered again).
 */
public interface EventListener {

    /** Stable id: the key of the checkpoint and of the configuration ({@code pgevents.listener.<id>.*}). */
    String id();

    /** The events this listener wants; every event by default. */
    default EventQuery query() {
        return EventQuery.all();
    }

    /** Handles one event. Throwing rolls back the batch; the engine retries, then parks the event. */
    void handle(RecordedEvent event) throws Exception;

    /**
     * Called before the events of a batch are handled, in its transaction, with the batch (decoded,
     * unknown types skipped): e.g. load every entity the batch touches with one query. Throwing
     * fails the batch; the engine then handles its events one by one. Default: nothing.
     */
    default void beforeBatch(java.util.List<RecordedEvent> events) throws Exception {
    }

    /**
     * Called at the end of each batch, inside its transaction, after the last {@link #handle}:
     * e.g. flush a JPA persistence context so a constraint violation is reported here, where the
     * engine can isolate the failing event, rather than at commit. Default: nothing.
     */
    default void endBatch() throws Exception {
    }

    /**
     * Called in the transaction that resets the checkpoint to {@code position}: remove the state
     * built from events after it (for a read model reset to 0: delete its rows). Default: nothing.
     */
    default void reset(long position) throws Exception {
    }

    /** What to do with an event whose type this application does not know: skip it (logged) by default. */
    default UnknownTypePolicy unknownTypes() {
        return UnknownTypePolicy.SKIP;
    }
}
