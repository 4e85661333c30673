package dev.pgevents.inbound;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * One Kafka message: where it was read (topic, partition, offset), its key, its raw value and its
 * headers (UTF-8 text). {@link #json()} and {@link #as(Class)} read the value as JSON and throw
 * {@link InvalidMessageException} when it is not JSON or not of the expected shape.
 */
public record InboundMessage(String topic, int partition, long offset, String key, byte[] value,
                             Map<String, String> headers) {

    private static final Jsonb JSONB = JsonbBuilder.create();

    public InboundMessage {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    /** The value as text; InvalidMessageException when it is missing or not UTF-8. */
    public String text() {
        if (value == null) {
            throw new InvalidMessageException("the message has no value");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidMessageException("the message value is not UTF-8 text");
        }
    }

    /** The value as a JSON value. */
    public JsonValue json() {
        try (var reader = Json.createReader(new StringReader(text()))) {
            return reader.readValue();
        } catch (JsonException e) {
            throw new InvalidMessageException("the message value is not JSON: " + e.getMessage());
        }
    }

    /** The value bound to a type with JSON-B (e.g. a record). */
    public <T> T as(Class<T> type) {
        json(); // "not JSON" before "wrong shape"
        try {
            T bound = JSONB.fromJson(text(), type);
            if (bound == null) {
                throw new InvalidMessageException("the message value is JSON null");
            }
            return bound;
        } catch (JsonbException e) {
            throw new InvalidMessageException("the message value does not have the expected shape: " + e.getMessage());
        }
    }

    /** Where it was read, for errors and logs: {@code topic/partition@offset}. */
    public String coordinates() {
        return topic + "/" + partition + "@" + offset;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InboundMessage m && topic.equals(m.topic) && partition == m.partition && offset == m.offset
                && java.util.Objects.equals(key, m.key) && Arrays.equals(value, m.value) && headers.equals(m.headers);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(topic, partition, offset);
    }

    @Override
    public String toString() {
        return "InboundMessage[" + coordinates() + ", key=" + key + "]";
    }
}
