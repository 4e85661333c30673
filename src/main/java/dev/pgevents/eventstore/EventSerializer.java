package dev.pgevents.eventstore;

/** Converts event payloads and metadata to JSON text and back. */
public interface EventSerializer {

    String serialize(Object value);

    <T> T deserialize(String json, Class<T> type);
}
