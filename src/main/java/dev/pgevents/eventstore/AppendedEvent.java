package dev.pgevents.eventstore;

import java.util.Set;
import java.util.UUID;

/** An event as appended: with the global position the store gave it. */
public record AppendedEvent(long position, UUID eventId, String type, Set<String> tags, Event event,
                            Metadata metadata) {
}
