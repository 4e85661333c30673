package dev.pgevents.dcbapi;

import dev.pgevents.http.StrictJson;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import java.io.StringReader;
import java.util.Map;

/**
 * How the API's {@code data} string maps to the store's JSONB payload, reversibly:
 * <ul>
 *   <li>a string that is one complete JSON value (object, array, string, number, boolean, null)
 *       that PostgreSQL's jsonb can hold is stored as that JSONB value, metadata {@code {}}; it
 *       reads back as the jsonb text of the value (equivalent JSON: whitespace and key order may
 *       differ);</li>
 *   <li>any other string (not JSON, or JSON with a {@code \u0000} or lone-surrogate escape, which
 *       jsonb rejects) is stored as a JSON string holding it, and the metadata says so:
 *       {@value #TEXT_METADATA}; it reads back unchanged.</li>
 * </ul>
 * Without the mark a stored JSON string would be ambiguous: {@code "abc"} (a JSON document) and
 * {@code abc} (text) are both the jsonb string {@code "abc"}. The metadata has the shape of the
 * store's {@link dev.pgevents.eventstore.Metadata}, so a Java reader of the same type decodes it.
 */
public final class DataCodec {

    /** The metadata key of the mark. */
    public static final String MARK_KEY = "pgevents.dcb.data";
    /** The mark's value. */
    public static final String MARK_TEXT = "text";
    /** Metadata of an event whose data is text. */
    public static final String TEXT_METADATA = "{\"values\":{\"" + MARK_KEY + "\":\"" + MARK_TEXT + "\"}}";
    /** Metadata of an event whose data is a JSON document. */
    public static final String JSON_METADATA = "{}";

    static final JsonReaderFactory READERS = Json.createReaderFactory(Map.of());

    private DataCodec() {
    }

    /** The payload to store and whether it is marked as text. */
    public record Encoded(String payload, boolean text) {
    }

    public static Encoded encode(String data, String where) {
        boolean json;
        try {
            json = storableJson(data);
        } catch (StrictJson.LimitExceeded e) {
            throw new DcbBadRequest(where + ": " + e.getMessage());
        }
        if (json) {
            return new Encoded(data, false);
        }
        String problem = StrictJson.unstorable(data);
        if (problem != null) {
            throw new DcbBadRequest(where + ": " + problem);
        }
        return new Encoded(Json.createValue(data).toString(), true);
    }

    /** The data string of a stored event: the payload text, or the string it holds when marked. */
    public static String decode(String payload, String metadata) {
        if (metadata != null && metadata.contains(MARK_KEY) && isMarked(metadata)) {
            try (JsonReader r = READERS.createReader(new StringReader(payload))) {
                JsonValue v = r.readValue();
                if (v instanceof JsonString s) {
                    return s.getString();
                }
            }
        }
        return payload;
    }

    private static boolean isMarked(String metadata) {
        try (JsonReader r = READERS.createReader(new StringReader(metadata))) {
            JsonValue v = r.readValue();
            if (v instanceof JsonObject o && o.get("values") instanceof JsonObject values
                    && values.get(MARK_KEY) instanceof JsonString s) {
                return MARK_TEXT.equals(s.getString());
            }
            return false;
        } catch (JsonException e) {
            return false;
        }
    }

    /**
     * True if the text is exactly one JSON value (surrounding whitespace allowed) whose strings
     * and keys PostgreSQL's jsonb accepts (no U+0000, no unpaired surrogate).
     *
     * @throws StrictJson.LimitExceeded if it is JSON nested or with numbers beyond {@link StrictJson}'s limits
     */
    public static boolean storableJson(String text) {
        try (JsonParser p = StrictJson.PARSERS.createParser(new StringReader(text))) {
            if (!p.hasNext()) {
                return false;
            }
            int depth = 0;
            do {
                JsonParser.Event e = p.next();
                switch (e) {
                    case START_ARRAY, START_OBJECT -> StrictJson.checkDepth("it", ++depth);
                    case VALUE_NUMBER -> StrictJson.checkNumber("it", p.getString());
                    case END_ARRAY, END_OBJECT -> depth--;
                    case KEY_NAME, VALUE_STRING -> {
                        if (StrictJson.unstorable(p.getString()) != null) {
                            return false;
                        }
                    }
                    default -> { }
                }
            } while (depth > 0);
            return !p.hasNext();
        } catch (JsonException | IllegalStateException | java.util.NoSuchElementException e) {
            return false;
        }
    }
}
