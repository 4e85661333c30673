package dev.pgevents.eventstore;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/** A stored event, deserialized: what states fold and typed reads return. */
public record RecordedEvent(long position, UUID eventId, String type, Set<String> tags, Event event,
                            Metadata metadata, Instant recordedAt) {

    /** The event as this class, or null when it is not one. */
    public <E extends Event> E eventAs(Class<E> type) {
        return type.isInstance(event) ? type.cast(event) : null;
    }
}
