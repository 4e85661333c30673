package dev.pgevents.eventstore;

import jakarta.json.Json;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonGeneratorFactory;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;

/**
 * The stored form of {@link Metadata}: {@code {"causationId": ..., "correlationId": ..., "values":
 * {...}}}, an absent id or an empty map left out. The store's format, not the serializer's: SQL,
 * CDC and the HTTP API read these keys (docs/event-store.md), whatever serializer the payloads
 * use. JSON-P's streaming API: every event a read decodes carries its metadata, and this reads it
 * in about three quarters of JSON-B's time ({@code CodecBenchmark}).
 */
final class MetadataJson {

    private static final String CORRELATION_ID = "correlationId";
    private static final String CAUSATION_ID = "causationId";
    private static final String VALUES = "values";

    private static final JsonParserFactory PARSERS = Json.createParserFactory(Map.of());
    private static final JsonGeneratorFactory GENERATORS = Json.createGeneratorFactory(Map.of());

    private MetadataJson() {
    }

    static String write(Metadata metadata) {
        if (metadata.equals(Metadata.empty())) {
            return EventCodec.EMPTY_METADATA;
        }
        StringWriter out = new StringWriter(128);
        try (JsonGenerator g = GENERATORS.createGenerator(out)) {
            g.writeStartObject();
            if (metadata.causationId() != null) {
                g.write(CAUSATION_ID, metadata.causationId());
            }
            if (metadata.correlationId() != null) {
                g.write(CORRELATION_ID, metadata.correlationId());
            }
            if (!metadata.values().isEmpty()) {
                g.writeStartObject(VALUES);
                metadata.values().forEach((key, value) -> {
                    if (value == null) {
                        g.writeNull(key);
                    } else {
                        g.write(key, value);
                    }
                });
                g.writeEnd();
            }
            g.writeEnd();
        }
        return out.toString();
    }

    /**
     * The metadata a stored JSON object holds; other keys are ignored, a number or boolean where
     * text belongs is read as its JSON text.
     *
     * @throws IllegalArgumentException when the text is not such an object
     */
    static Metadata read(String json) {
        try (JsonParser p = PARSERS.createParser(new StringReader(json))) {
            if (!p.hasNext() || p.next() != JsonParser.Event.START_OBJECT) {
                throw new IllegalArgumentException("metadata is not a JSON object");
            }
            String correlationId = null;
            String causationId = null;
            Map<String, String> values = Map.of();
            for (JsonParser.Event e = p.next(); e != JsonParser.Event.END_OBJECT; e = p.next()) {
                String key = p.getString();
                JsonParser.Event value = p.next();
                switch (key) {
                    case CORRELATION_ID -> correlationId = text(p, value, key);
                    case CAUSATION_ID -> causationId = text(p, value, key);
                    case VALUES -> values = values(p, value);
                    default -> skip(p, value);
                }
            }
            if (p.hasNext()) {
                throw new IllegalArgumentException("metadata has text after its JSON object");
            }
            return new Metadata(correlationId, causationId, values);
        }
    }

    private static Map<String, String> values(JsonParser p, JsonParser.Event start) {
        if (start == JsonParser.Event.VALUE_NULL) {
            return Map.of();
        }
        if (start != JsonParser.Event.START_OBJECT) {
            throw new IllegalArgumentException("metadata values are not a JSON object");
        }
        Map<String, String> values = new HashMap<>();
        for (JsonParser.Event e = p.next(); e != JsonParser.Event.END_OBJECT; e = p.next()) {
            String key = p.getString();
            values.put(key, text(p, p.next(), key));
        }
        return values;
    }

    private static String text(JsonParser p, JsonParser.Event value, String key) {
        return switch (value) {
            case VALUE_STRING, VALUE_NUMBER -> p.getString();
            case VALUE_TRUE -> "true";
            case VALUE_FALSE -> "false";
            case VALUE_NULL -> null;
            default -> throw new IllegalArgumentException("metadata '" + key + "' is not text");
        };
    }

    /** Past a value of a key it does not know; by hand: Parsson's skipObject() spins forever on truncated text. */
    private static void skip(JsonParser p, JsonParser.Event value) {
        int depth = value == JsonParser.Event.START_OBJECT || value == JsonParser.Event.START_ARRAY ? 1 : 0;
        while (depth > 0) {
            switch (p.next()) {
                case START_OBJECT, START_ARRAY -> depth++;
                case END_OBJECT, END_ARRAY -> depth--;
                default -> { }
            }
        }
    }
}
