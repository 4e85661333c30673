package dev.pgevents.eventstore;

import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns events into stored rows and back: type names and tags from the registry, payload and
 * metadata through the serializer, and the unknown-type policy of typed reads. One per store;
 * listeners decode with the same one.
 */
public final class EventCodec {

    private static final Logger LOG = Logger.getLogger(EventCodec.class.getName());

    /** Metadata of an event without any: stored as this text, read back as {@link Metadata#empty()}. */
    public static final String EMPTY_METADATA = "{}";

    private final EventTypeRegistry registry;
    private final EventSerializer serializer;

    public EventCodec(EventTypeRegistry registry, EventSerializer serializer) {
        if (registry == null || serializer == null) {
            throw new IllegalArgumentException("registry and serializer are required");
        }
        this.registry = registry;
        this.serializer = serializer;
    }

    public EventTypeRegistry registry() {
        return registry;
    }

    /** The row to store for a typed event. */
    public RawEvent encode(NewEvent e) {
        return new RawEvent(e.eventId(), registry.typeName(e.event().getClass()), registry.tagsOf(e.event()),
                serialize(e.event()), serializeMetadata(e.metadata()));
    }

    /**
     * The event a raw row to append stands for, when its type is registered: a known type must
     * carry a payload its class reads, so a foreign writer cannot store what every Java reader
     * would then fail on. Empty for a type no class carries.
     *
     * @throws InvalidInputException naming the type and, when the event's constructor refused the
     *                                values, its own message (never Java class names)
     */
    public Optional<Event> decodeToAppend(RawEvent r) {
        Optional<Class<? extends Event>> type = registry.classOf(r.type());
        if (type.isEmpty()) {
            return Optional.empty();
        }
        Event event;
        try {
            event = serializer.deserialize(r.payloadJson(), type.get());
        } catch (RuntimeException e) {
            throw new InvalidInputException(invalidPayload(r.type(), type.get(), e), e);
        }
        if (event == null) {
            throw new InvalidInputException("the payload of a " + r.type() + " event is JSON null");
        }
        return Optional.of(event);
    }

    /**
     * The constructor's own message when the event class refused the values (an exception thrown
     * from its constructor, however the serializer wrapped it), else what is wrong in general terms:
     * the serializer's own messages name Java classes.
     */
    private static String invalidPayload(String type, Class<?> eventClass, Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RuntimeException && thrownByConstructorOf(t, eventClass)) {
                return "invalid " + type + " event: " + t.getMessage();
            }
        }
        return "the payload of a " + type + " event does not match the event's fields"
                + " (a value of the wrong JSON type, or not a JSON object)";
    }

    private static boolean thrownByConstructorOf(Throwable t, Class<?> eventClass) {
        for (StackTraceElement frame : t.getStackTrace()) {
            if (frame.getClassName().equals(eventClass.getName()) && frame.getMethodName().equals("<init>")) {
                return true;
            }
        }
        return false;
    }

    /** Decodes a stored event; null means "skip" (unknown type under the SKIP policy). */
    public RecordedEvent decode(StoredEvent raw, UnknownTypePolicy policy) {
        Optional<Class<? extends Event>> type = registry.classOf(raw.type());
        if (type.isEmpty()) {
            if (policy == UnknownTypePolicy.SKIP) {
                LOG.log(Level.WARNING, "skipping event of unknown type ''{0}'' at position {1}",
                        new Object[] {raw.type(), raw.position()});
                return null;
            }
            throw UndecodableEventException.unknownType(raw.type(), raw.position());
        }
        Event event;
        Metadata metadata;
        try {
            event = serializer.deserialize(raw.payload(), type.get());
            metadata = raw.metadata() == null || EMPTY_METADATA.equals(raw.metadata())
                    ? Metadata.empty() : serializer.deserialize(raw.metadata(), Metadata.class);
        } catch (RuntimeException e) {
            throw UndecodableEventException.undeserializable(raw.type(), raw.position(), e);
        }
        if (event == null) {
            throw UndecodableEventException.undeserializable(raw.type(), raw.position(),
                    new IllegalStateException("payload is JSON null"));
        }
        return new RecordedEvent(raw.position(), raw.eventId(), raw.type(), raw.tags(), event, metadata,
                raw.recordedAt());
    }

    private String serialize(Event event) {
        try {
            return serializer.serialize(event);
        } catch (RuntimeException e) {
            throw new InvalidInputException("cannot serialize " + event.getClass().getName() + ": " + e.getMessage(), e);
        }
    }

    private String serializeMetadata(Metadata metadata) {
        if (metadata.equals(Metadata.empty())) {
            return EMPTY_METADATA;
        }
        try {
            return serializer.serialize(metadata);
        } catch (RuntimeException e) {
            throw new InvalidInputException("cannot serialize metadata: " + e.getMessage(), e);
        }
    }
}
