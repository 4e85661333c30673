package dev.pgevents.eventstore;

/** A stored event whose type name no registered class carries (see {@link UnknownTypePolicy}). */
public class UnknownEventTypeException extends EventStoreException {

    private static final long serialVersionUID = 1L;

    private final String type;
    private final long position;

    public UnknownEventTypeException(String type, long position) {
        super("unknown event type '" + type + "' at position " + position
                + " (register its class, or read with UnknownTypePolicy.SKIP)");
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
