package dev.pgevents.eventstore;

/** An event (or metadata) that the serializer cannot write as JSON. Nothing was appended. */
public class EventSerializationException extends EventStoreException {

    private static final long serialVersionUID = 1L;

    public EventSerializationException(String message, Throwable cause) {
        super(message, cause);
    }
}
