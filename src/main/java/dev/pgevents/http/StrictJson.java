package dev.pgevents.http;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import jakarta.json.stream.JsonParsingException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.core.MediaType;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Reads exactly one JSON value from a streaming parser, within limits that bound the work a
 * request can cause: nesting at most {@value #MAX_DEPTH} levels, number literals at most
 * {@value #MAX_NUMBER_LENGTH} characters. Content after the value, broken JSON and a broken limit
 * are an {@link Invalid} whose message is fit for a client (the parser's own messages name no
 * Java type).
 */
public final class StrictJson {

    /** Deepest nesting of arrays and objects. */
    public static final int MAX_DEPTH = 64;
    /** Longest number literal, in characters (sign, digits, point and exponent). */
    public static final int MAX_NUMBER_LENGTH = 100;

    public static final JsonParserFactory PARSERS = Json.createParserFactory(Map.of());
    // One factory: Json.createObjectBuilder() looks the provider up (a ServiceLoader scan) per call.
    private static final JsonBuilderFactory BUILDERS = Json.createBuilderFactory(Map.of());

    private StrictJson() {
    }

    /** The input is not one JSON value, or breaks a limit. */
    public static class Invalid extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message);
        }

        Invalid(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The input is JSON, but breaks a limit ({@link #MAX_DEPTH}, {@link #MAX_NUMBER_LENGTH}). */
    public static final class LimitExceeded extends Invalid {
        private static final long serialVersionUID = 1L;

        LimitExceeded(String message) {
            super(message);
        }
    }

    /**
     * A request body that must be one JSON object in UTF-8 (no other charset, no malformed bytes,
     * nothing after it) within these limits: what the APIs' body readers accept.
     *
     * @throws NotSupportedException (415) for a Content-Type with wildcards
     * @throws BadRequestException (400) for anything else, in the API's words
     */
    public static JsonObject requestObject(MediaType mediaType, InputStream body) {
        if (mediaType.isWildcardType() || mediaType.isWildcardSubtype()) {
            throw new NotSupportedException("the body must be sent as application/json, not " + mediaType);
        }
        String charset = mediaType.getParameters().get(MediaType.CHARSET_PARAMETER);
        if (charset != null && !charset.trim().equalsIgnoreCase("utf-8")) {
            throw new BadRequestException("the body must be JSON in UTF-8; charset "
                    + (charset.length() > 40 ? charset.substring(0, 40) + "..." : charset) + " is not supported");
        }
        InputStreamReader reader = new InputStreamReader(body, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
        JsonValue json;
        try {
            json = read(PARSERS.createParser(reader), "the request body");
        } catch (Invalid e) {
            throw new BadRequestException(e.getMessage());
        }
        if (!(json instanceof JsonObject object)) {
            throw new BadRequestException("the request body must be a JSON object");
        }
        return object;
    }

    /**
     * The one JSON value the parser holds (it is closed); {@code what} names the input in messages
     * ("the request body").
     */
    public static JsonValue read(JsonParser parser, String what) {
        try (JsonParser p = parser) {
            if (!p.hasNext()) {
                throw new Invalid(what + " is empty, not JSON");
            }
            JsonParser.Event first;
            try {
                first = p.next();
            } catch (JsonParsingException e) {
                if (String.valueOf(e.getMessage()).contains("token=EOF")) {
                    throw new Invalid(what + " is empty, not JSON", e); // only whitespace
                }
                throw e;
            }
            JsonValue value = value(p, first, what, 0);
            if (moreAfter(p)) {
                throw new Invalid(what + " is not JSON: content after the JSON value");
            }
            return value;
        } catch (JsonException | IllegalStateException | NoSuchElementException e) {
            throw new Invalid(what + " is not JSON: " + ProblemMappers.firstLine(e.getMessage()), e);
        }
    }

    private static boolean moreAfter(JsonParser p) {
        try {
            return p.hasNext();
        } catch (JsonException e) {
            return true; // something that is not even a token
        }
    }

    private static JsonValue value(JsonParser p, JsonParser.Event event, String what, int depth) {
        return switch (event) {
            case START_OBJECT -> {
                checkDepth(what, depth + 1);
                JsonObjectBuilder b = BUILDERS.createObjectBuilder();
                for (JsonParser.Event e = p.next(); e != JsonParser.Event.END_OBJECT; e = p.next()) {
                    String key = p.getString(); // e is KEY_NAME: the parser allows nothing else here
                    b.add(key, value(p, p.next(), what, depth + 1));
                }
                yield b.build();
            }
            case START_ARRAY -> {
                checkDepth(what, depth + 1);
                JsonArrayBuilder b = BUILDERS.createArrayBuilder();
                for (JsonParser.Event e = p.next(); e != JsonParser.Event.END_ARRAY; e = p.next()) {
                    b.add(value(p, e, what, depth + 1));
                }
                yield b.build();
            }
            case VALUE_NUMBER -> {
                checkNumber(what, p.getString());
                yield p.getValue();
            }
            case VALUE_STRING, VALUE_TRUE, VALUE_FALSE, VALUE_NULL -> p.getValue();
            default -> throw new Invalid(what + " is not JSON: unexpected " + event);
        };
    }

    public static void checkNumber(String what, String literal) {
        if (literal.length() > MAX_NUMBER_LENGTH) {
            throw new LimitExceeded(what + " has a number of " + literal.length() + " characters, the limit is "
                    + MAX_NUMBER_LENGTH);
        }
    }

    public static void checkDepth(String what, int depth) {
        if (depth > MAX_DEPTH) {
            throw new LimitExceeded(what + " nests arrays and objects deeper than " + MAX_DEPTH + " levels, the limit");
        }
    }

    /** Why PostgreSQL cannot store this text (in text, text[] or jsonb), or null if it can. */
    public static String unstorable(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) {
                return "contains the character U+0000, which PostgreSQL cannot store";
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return "contains an unpaired UTF-16 surrogate at index " + i;
            }
            if (Character.isLowSurrogate(c)) {
                return "contains an unpaired UTF-16 surrogate at index " + i;
            }
        }
        return null;
    }
}
