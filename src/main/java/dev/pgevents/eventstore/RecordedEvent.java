package dev.pgevents.eventstore;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/** A stored event, deserialized: what states fold and typed reads return. */
public record RecordedEvent(long position, UUID eventId, String type, Set<String> tags, Event event,
                            Metadata metadata, Instant recordedAt) {
}
