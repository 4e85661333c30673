package dev.pgevents.testsupport;

import dev.pgevents.eventstore.AppendedEvent;
import dev.pgevents.eventstore.Event;
import dev.pgevents.eventstore.EventStore;
import dev.pgevents.eventstore.NewEvent;
import java.util.Arrays;
import java.util.List;

/** Test shorthand: unconditional appends of events with random ids and empty metadata. */
public final class Appends {

    private Appends() {
    }

    public static List<AppendedEvent> unconditional(EventStore store, Event... events) {
        return store.append(Arrays.stream(events).map(NewEvent::of).toList());
    }
}
