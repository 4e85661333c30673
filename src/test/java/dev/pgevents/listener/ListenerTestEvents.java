package dev.pgevents.listener;

import dev.pgevents.eventstore.Event;
import dev.pgevents.eventstore.EventTypeRegistry;
import dev.pgevents.eventstore.Tag;

/** Events of the listener tests (no domain: counters fed by test events). */
public sealed interface ListenerTestEvents extends Event {

    record Counted(@Tag("counter") String counter, long amount) implements ListenerTestEvents {
    }

    record Noise(@Tag("noise") String text) implements ListenerTestEvents {
    }

    /** Its handler fails while the test says so. */
    record Poison(@Tag("counter") String counter) implements ListenerTestEvents {
    }

    static EventTypeRegistry registry() {
        return EventTypeRegistry.of(ListenerTestEvents.class);
    }
}
