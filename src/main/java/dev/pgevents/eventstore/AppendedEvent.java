package dev.pgevents.eventstore;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * An event as appended: with the global position the store gave it, and the time it was recorded
 * (its transaction's start, as a read returns it).
 */
public record AppendedEvent(long position, UUID eventId, String type, Set<String> tags, Event event,
                            Metadata metadata, Instant recordedAt) {

    /** The event as a read would return it. */
    public RecordedEvent recorded() {
        return new RecordedEvent(position, eventId, type, tags, event, metadata, recordedAt);
    }
}
