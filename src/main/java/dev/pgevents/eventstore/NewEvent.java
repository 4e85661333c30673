package dev.pgevents.eventstore;

import java.util.UUID;

/** An event to append, with its id (random unless given) and metadata. */
public record NewEvent(UUID eventId, Event event, Metadata metadata) {

    public NewEvent {
        if (eventId == null) {
            throw new InvalidInputException("event id is null");
        }
        if (event == null) {
            throw new InvalidInputException("event is null");
        }
        if (metadata == null) {
            metadata = Metadata.empty();
        }
    }

    public static NewEvent of(Event event) {
        return new NewEvent(UUID.randomUUID(), event, Metadata.empty());
    }

    public static NewEvent of(Event event, Metadata metadata) {
        return new NewEvent(UUID.randomUUID(), event, metadata);
    }
}
