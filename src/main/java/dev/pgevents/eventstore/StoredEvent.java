package dev.pgevents.eventstore;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/** A stored event as raw JSON (no deserialization): what {@link EventStore#readRaw} returns. */
public record StoredEvent(long position, UUID eventId, String type, Set<String> tags, String payload,
                          String metadata, Instant recordedAt) {
}
