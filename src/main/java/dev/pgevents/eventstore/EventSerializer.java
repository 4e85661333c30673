package dev.pgevents.eventstore;

/** Converts event payloads to JSON text and back (metadata has the store's own format). */
public interface EventSerializer {

    String serialize(Object value);

    <T> T deserialize(String json, Class<T> type);
}
