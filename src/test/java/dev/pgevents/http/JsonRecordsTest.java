package dev.pgevents.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import jakarta.json.bind.annotation.JsonbProperty;
import java.io.StringReader;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Strict binding of JSON objects to records, and the limits of {@link StrictJson}. */
class JsonRecordsTest {

    public record Thing(String name, int count, Long big, boolean flag, UUID id) {
        public Thing {
            if (count < 0) {
                throw new IllegalArgumentException("count must not be negative");
            }
        }
    }

    public record Renamed(@JsonbProperty("n") String name) {
    }

    public record Nested(List<String> names) {
    }

    @Test
    void aWellTypedObjectBindsThroughTheCanonicalConstructor() {
        UUID id = UUID.randomUUID();
        assertEquals(new Thing("a", 2, 3L, true, id),
                bind("{\"name\":\"a\",\"count\":2,\"big\":3,\"flag\":true,\"id\":\"" + id + "\",\"other\":[1]}"));
        assertEquals(new Thing(null, 20, null, false, null), bind("{\"count\":2e1,\"flag\":false}"),
                "absent or null objects are null; 2e1 is the integer 20");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"name\":5,\"count\":1,\"flag\":true}|name must be a string, not a number",
        "{\"name\":true,\"count\":1,\"flag\":true}|name must be a string, not a boolean",
        "{\"name\":{},\"count\":1,\"flag\":true}|name must be a string, not an object",
        "{\"name\":\"a\\ud800\",\"count\":1,\"flag\":true}|name contains an unpaired UTF-16 surrogate",
        "{\"name\":\"a\\u0000\",\"count\":1,\"flag\":true}|name contains the character U+0000",
        "{\"count\":\"10\",\"flag\":true}|count must be an integer, not a string",
        "{\"count\":1.5,\"flag\":true}|count must be an integer, not 1.5",
        "{\"count\":99999999999,\"flag\":true}|count must be an integer from -2147483648 to 2147483647",
        "{\"count\":1e400,\"flag\":true}|count must be an integer from",
        "{\"count\":1,\"big\":1e30,\"flag\":true}|big must be an integer from",
        "{\"flag\":true}|count is required",
        "{\"count\":null,\"flag\":true}|count is required",
        "{\"count\":1}|flag is required",
        "{\"count\":1,\"flag\":\"true\"}|flag must be true or false, not a string",
        "{\"count\":1,\"flag\":true,\"id\":\"x\"}|id must be a UUID",
        "{\"count\":1,\"flag\":true,\"id\":7}|id must be a UUID string, not a number",
        "{\"count\":-1,\"flag\":true}|count must not be negative"})
    void everyOtherShapeIsRefusedInTheApisWords(String json, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bind(json));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
        assertFalse(e.getMessage().contains("java."), e.getMessage());
    }

    @Test
    void recordsWithJsonbAnnotationsOrOtherComponentTypesAreNotBindable() {
        assertTrue(JsonRecords.bindable(Thing.class));
        assertFalse(JsonRecords.bindable(Renamed.class));
        assertFalse(JsonRecords.bindable(Nested.class));
        assertFalse(JsonRecords.bindable(String.class));
    }

    @Test
    void strictJsonLimitsDepthAndNumberLength() {
        String deep = "[".repeat(65) + "]".repeat(65);
        StrictJson.Invalid e = assertThrows(StrictJson.LimitExceeded.class, () -> read(deep));
        assertTrue(e.getMessage().contains("deeper than 64 levels"), e.getMessage());
        read("[".repeat(64) + "]".repeat(64));
        String nested = "{\"a\":".repeat(1000) + "1" + "}".repeat(1000);
        assertThrows(StrictJson.LimitExceeded.class, () -> read(nested));
        e = assertThrows(StrictJson.LimitExceeded.class, () -> read("{\"n\":" + "9".repeat(101) + "}"));
        assertTrue(e.getMessage().contains("number of 101 characters, the limit is 100"), e.getMessage());
        read("{\"n\":" + "9".repeat(100) + "}");
        e = assertThrows(StrictJson.Invalid.class, () -> read("{} x"));
        assertTrue(e.getMessage().contains("content after the JSON value"), e.getMessage());
        assertThrows(StrictJson.Invalid.class, () -> read(""));
        assertThrows(StrictJson.Invalid.class, () -> read("{\"a\":}"));
    }

    private static Thing bind(String json) {
        return JsonRecords.bind((JsonObject) read(json), Thing.class);
    }

    private static jakarta.json.JsonValue read(String json) {
        return StrictJson.read(StrictJson.PARSERS.createParser(new StringReader(json)), "the body");
    }
}
