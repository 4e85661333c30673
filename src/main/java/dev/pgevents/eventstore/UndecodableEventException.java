package dev.pgevents.eventstore;

/**
 * A stored event that a typed read cannot turn into its Java event: its type name no registered
 * class carries (see {@link UnknownTypePolicy}), its version is not one the application reads (a
 * newer release wrote it), an upcaster failed on it, or its payload or metadata does not
 * deserialize into the registered class.
 */
public final class UndecodableEventException extends EventStoreException {

    private static final long serialVersionUID = 1L;

    private final String type;
    private final long position;
    private final boolean unknownType;

    private UndecodableEventException(String message, String type, long position, boolean unknownType, Throwable cause) {
        super(message, cause);
        this.type = type;
        this.position = position;
        this.unknownType = unknownType;
    }

    /** No registered class carries the type name. */
    public static UndecodableEventException unknownType(String type, long position) {
        return new UndecodableEventException("unknown event type '" + type + "' at position " + position
                + " (register its class, or read with UnknownTypePolicy.SKIP)", type, position, true, null);
    }

    /**
     * A registered type name at a version the application does not read: typically written by a
     * newer release of the application (stored version above the class's current one).
     *
     * @param why the versions the application reads, in words
     */
    public static UndecodableEventException unknownVersion(String type, int version, long position, String why) {
        return new UndecodableEventException("event of type '" + type + "' at position " + position + " has version "
                + version + ", which this application cannot decode: " + why, type, position, false, null);
    }

    /** The payload or metadata does not deserialize into the registered class. */
    public static UndecodableEventException undeserializable(String type, long position, Throwable cause) {
        return new UndecodableEventException("event of type '" + type + "' at position " + position
                + " does not deserialize: " + cause.getMessage(), type, position, false, cause);
    }

    public String type() {
        return type;
    }

    public long position() {
        return position;
    }

    /** True when no registered class carries the type, false for the other causes. */
    public boolean unknownType() {
        return unknownType;
    }
}
