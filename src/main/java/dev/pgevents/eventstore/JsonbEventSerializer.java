package dev.pgevents.eventstore;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;

/**
 * JSON-B serializer. JSON-B is part of the platform (Liberty's jsonb feature provides it, so the
 * WAR carries no JSON library), and JSON-B 3 / Yasson 3 read and write records through their
 * canonical constructors. A {@link Jsonb} instance is thread-safe and reused.
 */
public final class JsonbEventSerializer implements EventSerializer, AutoCloseable {

    private final Jsonb jsonb;

    public JsonbEventSerializer() {
        this(JsonbBuilder.create(new JsonbConfig()));
    }

    public JsonbEventSerializer(Jsonb jsonb) {
        this.jsonb = jsonb;
    }

    @Override
    public String serialize(Object value) {
        return jsonb.toJson(value);
    }

    @Override
    public <T> T deserialize(String json, Class<T> type) {
        return jsonb.fromJson(json, type);
    }

    @Override
    public void close() throws Exception {
        jsonb.close();
    }
}
