package dev.pgevents.eventstore;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns events into stored rows and back: type names and tags from the registry, payloads through
 * the serializer, metadata in the store's own format ({@link MetadataJson}), and the unknown-type
 * policy of typed reads. One per store; listeners decode with the same one.
 */
public final class EventCodec {

    private static final Logger LOG = Logger.getLogger(EventCodec.class.getName());

    /** Metadata of an event without any: stored as this text, read back as {@link Metadata#empty()}. */
    public static final String EMPTY_METADATA = "{}";

    private static final JsonReaderFactory READERS = Json.createReaderFactory(Map.of());

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

    /** The row to store for a typed event: its current type name and version. */
    public RawEvent encode(NewEvent e) {
        EventTypeRegistry.Registered type = registry.registered(e.event().getClass());
        return new RawEvent(e.eventId(), type.name(), type.version(), registry.tagsOf(e.event()),
                serialize(e.event()), MetadataJson.write(e.metadata()));
    }

    /**
     * The event a raw row to append stands for, when its type is registered: a known type must
     * carry a payload its class reads (after the upcasters of an older version), so a foreign
     * writer cannot store what every Java reader would then fail on. Empty for a type no class
     * carries. An old type name (renamed by an upcaster) is refused: writers store current names
     * only, the lock keys of conditions rely on it (docs/event-store.md).
     *
     * @throws InvalidInputException naming the type and, when the event's constructor refused the
     *                                values, its own message (never Java class names)
     */
    public Optional<Event> decodeToAppend(RawEvent r) {
        EventTypeRegistry.Registered type = registry.current(r.type());
        if (type == null) {
            Optional<String> renamed = registry.currentNameOf(r.type());
            if (renamed.isPresent()) {
                throw new InvalidInputException("event type '" + r.type() + "' was renamed to '" + renamed.get()
                        + "': append " + renamed.get() + " events (version " + registry.current(renamed.get()).version() + ")");
            }
            return Optional.empty();
        }
        String payload = r.payloadJson();
        if (r.version() != type.version()) {
            Optional<List<Upcaster>> steps = registry.upcastersFrom(r.type(), r.version());
            if (steps.isEmpty()) {
                throw new InvalidInputException(registry.unreadableVersion(r.type(), r.version()));
            }
            payload = upcast(steps.get(), payload, r.type(), r.version()).toString();
        }
        Event event;
        try {
            event = serializer.deserialize(payload, type.eventClass());
        } catch (RuntimeException e) {
            throw new InvalidInputException(invalidPayload(r.type(), type.eventClass(), e), e);
        }
        if (event == null) {
            throw new InvalidInputException("the payload of a " + r.type() + " event is JSON null");
        }
        return Optional.of(event);
    }

    /** The payload text as a JSON object, through the steps. */
    private static JsonObject upcast(List<Upcaster> steps, String payload, String type, int version) {
        JsonObject object;
        try (JsonReader reader = READERS.createReader(new StringReader(payload))) {
            object = reader.readObject();
        } catch (RuntimeException e) { // JsonParsingException, or not an object
            throw new InvalidInputException("the payload of version " + version + " of a " + type
                    + " event is not a JSON object, so its upcasters cannot read it", e);
        }
        return EventTypeRegistry.applySteps(steps, object);
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

    /**
     * Decodes a stored event into its class's current shape; null means "skip" (unknown type under
     * the SKIP policy). A stored event of the current type name and version is deserialized as it
     * is; an older version or an old type name goes through its upcasters first, and the recorded
     * event carries the current type name (the name queries and states match on).
     */
    public RecordedEvent decode(StoredEvent raw, UnknownTypePolicy policy) {
        EventTypeRegistry.Registered type = registry.current(raw.type());
        String payload = raw.payload();
        if (type == null || raw.version() != type.version()) {
            type = registry.carrying(raw.type());
            if (type == null) {
                if (policy == UnknownTypePolicy.SKIP) {
                    LOG.log(Level.WARNING, "skipping event of unknown type ''{0}'' at position {1}",
                            new Object[] {raw.type(), raw.position()});
                    return null;
                }
                throw UndecodableEventException.unknownType(raw.type(), raw.position());
            }
            Optional<List<Upcaster>> steps = registry.upcastersFrom(raw.type(), raw.version());
            if (steps.isEmpty()) {
                throw UndecodableEventException.unknownVersion(raw.type(), raw.version(), raw.position(),
                        registry.unreadableVersion(raw.type(), raw.version()));
            }
            try {
                payload = upcast(steps.get(), payload, raw.type(), raw.version()).toString();
            } catch (InvalidInputException e) {
                throw UndecodableEventException.undeserializable(raw.type(), raw.position(), e);
            }
        }
        Event event;
        Metadata metadata;
        try {
            event = serializer.deserialize(payload, type.eventClass());
            metadata = raw.metadata() == null || EMPTY_METADATA.equals(raw.metadata())
                    ? Metadata.empty() : MetadataJson.read(raw.metadata());
        } catch (RuntimeException e) {
            throw UndecodableEventException.undeserializable(raw.type(), raw.position(), e);
        }
        if (event == null) {
            throw UndecodableEventException.undeserializable(raw.type(), raw.position(),
                    new IllegalStateException("payload is JSON null"));
        }
        return new RecordedEvent(raw.position(), raw.eventId(), type.name(), raw.tags(), event, metadata,
                raw.recordedAt());
    }

    private String serialize(Event event) {
        try {
            return serializer.serialize(event);
        } catch (RuntimeException e) {
            throw new InvalidInputException("cannot serialize " + event.getClass().getName() + ": " + e.getMessage(), e);
        }
    }
}
