package dev.pgevents.eventstore;

/** A stored payload (or metadata) that does not deserialize into its registered class. */
public class EventDeserializationException extends EventStoreException {

    private static final long serialVersionUID = 1L;

    private final String type;
    private final long position;

    public EventDeserializationException(String type, long position, Throwable cause) {
        super("event of type '" + type + "' at position " + position + " does not deserialize: "
                + cause.getMessage(), cause);
        this.type = type;
        this.position = position;
    }

    public String type() {
        return type;
    }

    public long position() {
        return position;
    }
}
