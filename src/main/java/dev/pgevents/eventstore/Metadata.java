package dev.pgevents.eventstore;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Metadata stored beside an event's payload: correlation id, causation id (for example the id of
 * the event or message that triggered the decision) and free key-values. The recorded time and
 * the event id are columns of their own.
 */
public record Metadata(String correlationId, String causationId, Map<String, String> values) {

    private static final Metadata EMPTY = new Metadata(null, null, Map.of());

    public Metadata {
        values = values == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(values));
    }

    public static Metadata empty() {
        return EMPTY;
    }

    public Metadata withCorrelationId(String id) {
        return new Metadata(id, causationId, values);
    }

    public Metadata withCausationId(String id) {
        return new Metadata(correlationId, id, values);
    }

    public Metadata with(String key, String value) {
        TreeMap<String, String> copy = new TreeMap<>(values);
        copy.put(key, value);
        return new Metadata(correlationId, causationId, copy);
    }
}
