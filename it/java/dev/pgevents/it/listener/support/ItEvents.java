package dev.pgevents.it.listener.support;

import dev.pgevents.eventstore.Event;
import dev.pgevents.eventstore.EventTypes;
import dev.pgevents.eventstore.Tag;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.List;

/** Test-only events of the listener integration tests (no domain). */
public sealed interface ItEvents extends Event {

    record Added(@Tag("counter") String counter, long amount) implements ItEvents {
    }

    record Poisoned(@Tag("counter") String counter) implements ItEvents {
    }

    record NameClaimed(@Tag("name") String name) implements ItEvents {
    }

    /** The benchmark's event. */
    record Benched(@Tag("bench") String counter, long amount) implements ItEvents {
    }

    /** Registers the test events with the application's store. */
    @ApplicationScoped
    class Types implements EventTypes {
        @Override
        public Collection<Class<? extends Event>> eventTypes() {
            return List.of(ItEvents.class);
        }
    }
}
