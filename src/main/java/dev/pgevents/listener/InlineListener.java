package dev.pgevents.listener;

import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.RecordedEvent;

/**
 * A listener that runs inside the append transaction (declare it as a CDI bean implementing this
 * interface): its view is strongly consistent with the events (e.g. a uniqueness index that a
 * decision reads), and if it throws, the append fails and its transaction rolls back. It has no
 * checkpoint and is never retried; keep it small and fast, it adds to every matching append.
 * The {@code recordedAt} of the events it gets is the row's, as a read returns it.
 * One instance, resolved at the first append, serves every append from many threads at once,
 * whatever its scope: it must be thread-safe (no per-append state in fields).
 */
public interface InlineListener {

    String id();

    default EventQuery query() {
        return EventQuery.all();
    }

    void handle(RecordedEvent event) throws Exception;
}
