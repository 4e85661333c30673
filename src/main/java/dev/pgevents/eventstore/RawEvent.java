package dev.pgevents.eventstore;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;

/**
 * An event to append as it is stored: a type name and tags as strings, the payload and metadata as
 * JSON text. For boundaries that carry events no Java class describes (the HTTP API); domain code
 * appends typed {@link Event}s.
 *
 * @param version      the version of the payload's shape (1 and up): for a registered type, the
 *                     current one or an older one its upcasters read (see {@link EventType#version()})
 * @param metadataJson a JSON object in the shape of {@link Metadata}, or null for none
 */
public record RawEvent(UUID eventId, String type, int version, Set<String> tags, String payloadJson, String metadataJson) {

    public RawEvent {
        if (eventId == null) {
            throw new InvalidInputException("event id is null");
        }
        Limits.checkType(type);
        if (version < 1) {
            throw new InvalidInputException("the version of a " + type + " event is " + version + ": versions start at 1");
        }
        tags = checkedTags(tags);
        if (payloadJson == null) {
            throw new InvalidInputException("payload of a " + type + " event is null");
        }
        if (metadataJson == null) {
            metadataJson = "{}";
        }
    }

    private static Set<String> checkedTags(Collection<String> tags) {
        if (tags == null) {
            throw new InvalidInputException("tags are null (use an empty set for none)");
        }
        if (tags.size() > Limits.MAX_TAGS_PER_EVENT) {
            throw new InvalidInputException("an event has " + tags.size() + " tags, the limit is " + Limits.MAX_TAGS_PER_EVENT);
        }
        Set<String> inOrder = new LinkedHashSet<>(); // stored in the order given, duplicates dropped
        for (String tag : tags) {
            inOrder.add(Limits.checkTag(tag));
        }
        return Collections.unmodifiableSet(inOrder);
    }
}
