package dev.pgevents.cart;

import dev.pgevents.http.JsonRecords;
import dev.pgevents.http.StrictJson;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The value rules of the cart domain's fields, in one place: the events' constructors apply them
 * (an event appended by any path is one the read models can take), and the HTTP API and the Kafka
 * translators apply them to what they receive. A broken rule is an {@link IllegalArgumentException}
 * whose message names the field in the API's words.
 */
final class Fields {

    /** Prices are kept with exactly this many fraction digits. */
    static final int PRICE_SCALE = 2;
    /** The largest price: 999,999,999,999.99 (bounds the work a numeric literal can cause). */
    static final BigDecimal MAX_PRICE = new BigDecimal("999999999999.99");
    static final int MAX_TEXT_LENGTH = 1000;
    private static final Pattern CANONICAL_UUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private Fields() {
    }

    /** A UUID in canonical text form (8-4-4-4-12 hexadecimal digits). */
    static UUID id(String field, String text) {
        if (text == null) {
            throw new IllegalArgumentException(field + " is required");
        }
        if (!CANONICAL_UUID.matcher(text).matches()) {
            throw new IllegalArgumentException(field + " must be a UUID in canonical form (8-4-4-4-12 hexadecimal digits)");
        }
        return UUID.fromString(text);
    }

    static UUID required(String field, UUID id) {
        if (id == null) {
            throw new IllegalArgumentException(field + " is required");
        }
        return id;
    }

    /** A price: at least 0, at most {@link #MAX_PRICE}, at most 2 fraction digits; kept with 2. */
    static BigDecimal price(String field, BigDecimal value) {
        return amount(field, value, MAX_PRICE);
    }

    /** A cart's total: the rules of a price, up to {@link CartState#MAX_ITEMS} times the largest one. */
    static BigDecimal total(String field, BigDecimal value) {
        return amount(field, value, MAX_PRICE.multiply(BigDecimal.valueOf(CartState.MAX_ITEMS)));
    }

    private static BigDecimal amount(String field, BigDecimal value, BigDecimal max) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is required");
        }
        if (value.signum() < 0) {
            throw new IllegalArgumentException(field + " must not be negative");
        }
        if (value.compareTo(max) > 0) {
            throw new IllegalArgumentException(field + " must be at most " + max);
        }
        if (value.stripTrailingZeros().scale() > PRICE_SCALE) {
            throw new IllegalArgumentException(field + " must have at most " + PRICE_SCALE + " fraction digits");
        }
        return value.setScale(PRICE_SCALE, RoundingMode.UNNECESSARY);
    }

    static BigDecimal optionalPrice(String field, BigDecimal value) {
        return value == null ? null : price(field, value);
    }

    /** Text of at most {@link #MAX_TEXT_LENGTH} characters that PostgreSQL can store (may be empty). */
    static String text(String field, String value) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is required");
        }
        if (value.length() > MAX_TEXT_LENGTH) {
            throw new IllegalArgumentException(field + " must be at most " + MAX_TEXT_LENGTH + " characters");
        }
        String problem = StrictJson.unstorable(value);
        if (problem != null) {
            throw new IllegalArgumentException(field + " " + problem);
        }
        return value;
    }

    static long position(String field, String value) {
        try {
            long position = Long.parseLong(value);
            if (position >= 0) {
                return position;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(field + " must be a non-negative integer");
    }

    // ---- reading JSON objects (request bodies, Kafka messages) ----

    static UUID id(JsonObject object, String field) {
        return id(field, string(object, field, "a UUID string"));
    }

    static String text(JsonObject object, String field) {
        return text(field, string(object, field, "a string"));
    }

    /** A price sent as a JSON number or a numeric string (null when absent or null and not required). */
    static BigDecimal price(JsonObject object, String field, boolean required) {
        JsonValue value = object.get(field);
        if (value == null || value == JsonValue.NULL) {
            if (required) {
                throw new IllegalArgumentException(field + " is required");
            }
            return null;
        }
        if (value instanceof JsonNumber number) {
            return price(field, number.bigDecimalValue());
        }
        if (value instanceof JsonString s) {
            String text = s.getString().trim();
            if (text.length() > StrictJson.MAX_NUMBER_LENGTH || !text.matches("[+-]?[0-9]+(\\.[0-9]+)?")) {
                throw new IllegalArgumentException(field + " must be a decimal number, not \"" + clip(s.getString()) + "\"");
            }
            return price(field, new BigDecimal(text));
        }
        throw new IllegalArgumentException(field + " must be a number or a numeric string, not " + JsonRecords.kind(value));
    }

    /** A whole number within the int range. */
    static int integer(JsonObject object, String field) {
        JsonValue value = object.get(field);
        if (value == null || value == JsonValue.NULL) {
            throw new IllegalArgumentException(field + " is required");
        }
        if (!(value instanceof JsonNumber number)) {
            throw new IllegalArgumentException(field + " must be an integer, not " + JsonRecords.kind(value));
        }
        try {
            return number.bigDecimalValue().intValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(field + " must be an integer from " + Integer.MIN_VALUE + " to "
                    + Integer.MAX_VALUE + ", not " + clip(number.toString()));
        }
    }

    private static String string(JsonObject object, String field, String what) {
        JsonValue value = object.get(field);
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (value instanceof JsonString s) {
            return s.getString();
        }
        throw new IllegalArgumentException(field + " must be " + what + ", not " + JsonRecords.kind(value));
    }

    private static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
