package dev.pgevents.it.cdc;

import jakarta.json.JsonNumber;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/** WAL positions as numbers, from either form the application may show: decimal or PostgreSQL's {@code X/Y}. */
final class Lsn {

    private Lsn() {
    }

    /** The position, or -1 for an absent or null value. */
    static long parse(JsonValue value) {
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return -1;
        }
        if (value instanceof JsonNumber n) {
            return n.longValueExact();
        }
        return parse(((JsonString) value).getString());
    }

    static long parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            return Long.parseLong(text.trim());
        }
        return (Long.parseLong(text.substring(0, slash), 16) << 32) | Long.parseLong(text.substring(slash + 1), 16);
    }
}
