package dev.pgevents.eventstore;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * A stored event as raw JSON (no deserialization, no upcasting): what {@link EventStore#readRaw}
 * returns. {@code type} and {@code version} are as stored: an old type name or version stays old.
 */
public record StoredEvent(long position, UUID eventId, String type, int version, Set<String> tags, String payload,
                          String metadata, Instant recordedAt) {
}
