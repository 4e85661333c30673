package dev.pgevents.dcbapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.eventstore.Direction;
import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.QueryItem;
import dev.pgevents.eventstore.ReadOptions;
import jakarta.json.Json;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Parsing and validation of the /dcb API's JSON, without a container or a database. */
class DcbJsonTest {

    @Test
    void queriesBecomeTheStoresQueries() {
        assertEquals(EventQuery.all(), DcbJson.readRequest("{\"items\":[]}", null).query());
        assertTrue(DcbJson.readRequest("{\"items\":[{}]}", null).query().matchesAll());
        EventQuery q = DcbJson.readRequest("{\"items\":[{\"types\":[\"A\",\"B\",\"A\"],\"tags\":[\"x\"]},{\"tags\":[\"y\",\"z\"]}]}",
                null).query();
        assertEquals(EventQuery.of(QueryItem.of(List.of("A", "B"), List.of("x")), QueryItem.tags("y", "z")), q);
        assertTrue(q.matches("B", Set.of("x", "other")));
        assertFalse(q.matches("C", Set.of("x", "y")));
        assertTrue(q.matches("C", Set.of("y", "z")));
    }

    @Test
    void optionsMapToTheStoresInclusiveBoundsCappedAtTheSafePosition() {
        ReadOptions forward = DcbJson.readRequest("{\"items\":[]}", "{\"from\":5,\"limit\":3}").storeOptions();
        assertEquals(5, forward.from());
        assertEquals(Long.MAX_VALUE, forward.to());
        assertEquals(3, forward.limit());
        assertEquals(Direction.FORWARD, forward.direction());
        assertEquals(ReadOptions.Consistency.SAFE, forward.consistency());

        ReadOptions backwards = DcbJson.readRequest("{\"items\":[]}", "{\"from\":5,\"backwards\":true}").storeOptions();
        assertEquals(0, backwards.from());
        assertEquals(5, backwards.to());
        assertEquals(0, backwards.limit());
        assertEquals(Direction.BACKWARD, backwards.direction());

        ReadOptions defaults = DcbJson.readRequest("{\"items\":[]}", null).storeOptions();
        assertEquals(1, defaults.from());
        assertEquals(Direction.FORWARD, defaults.direction());
        assertEquals(Integer.MAX_VALUE, DcbJson.readRequest("{\"items\":[]}", "{\"limit\":" + Long.MAX_VALUE + "}")
                .storeOptions().limit());
        assertTrue(DcbJson.readRequest("{\"items\":[]}", "{\"limit\":0}").empty());
        ReadRequest nulls = DcbJson.readRequest("{\"items\":[]}", "{\"from\":null,\"limit\":null,\"backwards\":null}");
        assertNull(nulls.from());
        assertNull(nulls.limit());
        assertFalse(nulls.backwards());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "x", "[]", "{}", "{\"items\":[]} x", "{\"items\":{}}", "{\"items\":[1]}",
            "{\"items\":[{\"types\":[1]}]}", "{\"items\":[{\"types\":[\"\"]}]}", "{\"items\":[{\"tags\":[\"  \"]}]}",
            "{\"items\":[{\"foo\":[]}]}", "{\"items\":[],\"x\":1}", "{\"items\":[{\"tags\":[\"a\\u0000\"]}]}"})
    void badQueriesAreRejected(String query) {
        DcbBadRequest e = assertThrows(DcbBadRequest.class, () -> DcbJson.readRequest(query, null));
        assertEquals(400, e.status());
    }

    @ParameterizedTest
    @ValueSource(strings = {"x", "[]", "{\"from\":-1}", "{\"limit\":-1}", "{\"from\":1.5}", "{\"from\":\"1\"}",
            "{\"from\":9223372036854775808}", "{\"backwards\":1}", "{\"after\":2}"})
    void badOptionsAreRejected(String options) {
        assertThrows(DcbBadRequest.class, () -> DcbJson.readRequest("{\"items\":[]}", options));
    }

    @Test
    void tooLongTypesAndTagsAndTooManyItemsAreRejected() {
        String t257 = "t".repeat(257);
        String t256 = "t".repeat(256);
        DcbJson.readRequest("{\"items\":[{\"types\":[\"" + t256 + "\"],\"tags\":[\"" + t256 + "\"]}]}", null);
        assertThrows(DcbBadRequest.class, () -> DcbJson.readRequest("{\"items\":[{\"types\":[\"" + t257 + "\"]}]}", null));
        assertThrows(DcbBadRequest.class, () -> DcbJson.readRequest("{\"items\":[{\"tags\":[\"" + t257 + "\"]}]}", null));
        String item = "{\"types\":[\"A\"]}";
        String items256 = String.join(",", java.util.Collections.nCopies(256, item));
        DcbJson.readRequest("{\"items\":[" + items256 + "]}", null);
        assertThrows(DcbBadRequest.class, () -> DcbJson.readRequest("{\"items\":[" + items256 + "," + item + "]}", null));
    }

    @Test
    void anAppendBodyBecomesEventsAndACondition() {
        AppendRequest r = DcbJson.appendRequest(new StringReader("{\"events\":[{\"type\":\"A\",\"tags\":[\"x\",\"y\",\"x\"],"
                + "\"data\":\"{\\\"a\\\":1}\"},{\"type\":\"B\",\"data\":\"hello\"}],"
                + "\"condition\":{\"failIfEventsMatch\":{\"items\":[{\"tags\":[\"x\"]}]},\"after\":7}}"));
        assertEquals(2, r.events().size());
        DcbEvent a = r.events().get(0);
        assertEquals("A", a.type());
        assertEquals(List.of("x", "y"), a.tags());
        assertEquals("{\"a\":1}", a.payload());
        assertFalse(a.text());
        DcbEvent b = r.events().get(1);
        assertEquals("\"hello\"", b.payload());
        assertTrue(b.text());
        assertEquals(7, r.condition().after());
        assertEquals(EventQuery.tagged("x"), r.condition().failIfEventsMatch());

        AppendRequest noAfter = DcbJson.appendRequest(new StringReader(
                "{\"events\":[{\"type\":\"A\"}],\"condition\":{\"failIfEventsMatch\":{\"items\":[]}}}"));
        assertEquals(0, noAfter.condition().after());
        assertEquals("\"\"", noAfter.events().get(0).payload());
        assertNull(DcbJson.appendRequest(new StringReader("{\"events\":[{\"type\":\"A\"}],\"condition\":null}")).condition());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "x", "[]", "{}", "{\"events\":[]}", "{\"events\":[{}]}", "{\"events\":[{\"type\":\"\"}]}",
            "{\"events\":[{\"type\":1}]}", "{\"events\":[{\"type\":\"A\",\"tags\":[1]}]}",
            "{\"events\":[{\"type\":\"A\",\"tags\":[\"\"]}]}", "{\"events\":[{\"type\":\"A\",\"data\":{}}]}",
            "{\"events\":[{\"type\":\"A\",\"data\":\"\\u0000\"}]}", "{\"events\":[{\"type\":\"A\",\"x\":1}]}",
            "{\"events\":[{\"type\":\"A\"}],\"condition\":{}}", "{\"events\":[{\"type\":\"A\"}]} {}",
            "{\"events\":[{\"type\":\"A\"}],\"condition\":{\"failIfEventsMatch\":{\"items\":[]},\"after\":-1}}"})
    void badAppendBodiesAreRejected(String body) {
        DcbBadRequest e = assertThrows(DcbBadRequest.class,
                () -> DcbJson.appendRequest(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))));
        assertEquals(400, e.status());
    }

    @Test
    void aBodyOverTheLimitIs413() {
        byte[] body = ("{\"events\":[{\"type\":\"A\",\"data\":\"" + "x".repeat(1000) + "\"}]}").getBytes(StandardCharsets.UTF_8);
        DcbBadRequest e = assertThrows(DcbBadRequest.class,
                () -> DcbJson.appendRequest(new DcbJson.LimitedInputStream(new ByteArrayInputStream(body), 100)));
        assertEquals(413, e.status());
    }

    @Test
    void dataIsStoredAsJsonWhenItIsJsonAndAsAMarkedStringOtherwise() {
        for (String json : List.of("{}", "[1,2]", " {\"a\" : [true, null]} ", "\"s\"", "1.5e3", "null", "false")) {
            DataCodec.Encoded e = DataCodec.encode(json, "data");
            assertFalse(e.text(), json);
            assertEquals(json, DataCodec.decode(e.payload(), DataCodec.JSON_METADATA));
        }
        for (String text : List.of("", " ", "abc", "{", "{} {}", "1 2", "{\"a\":\"\\u0000\"}", "[\"\\ud800\"]", "é \uD83D\uDE00")) {
            DataCodec.Encoded e = DataCodec.encode(text, "data");
            assertTrue(e.text(), text);
            assertEquals(text, DataCodec.decode(e.payload(), DataCodec.TEXT_METADATA), text);
        }
        // the mark as PostgreSQL's jsonb prints it
        assertEquals("x", DataCodec.decode("\"x\"", "{\"values\": {\"pgevents.dcb.data\": \"text\"}}"));
        assertEquals("\"x\"", DataCodec.decode("\"x\"", "{}"));
        assertThrows(DcbBadRequest.class, () -> DataCodec.encode("a\u0000b", "data"));
        assertThrows(DcbBadRequest.class, () -> DataCodec.encode("a\ud800b", "data"));
    }

    @Test
    void jsonNestedDeeperThan64LevelsIsRefusedWhereverItIs() {
        String deep = "[".repeat(1000) + "]".repeat(1000);
        String ev = "{\"type\":\"A\"}";
        List<String> bodies = List.of(
                deep,
                "{\"events\":[" + ev + "],\"x\":" + deep + "}",
                "{\"events\":[{\"type\":\"A\",\"data\":" + Json.createValue(deep) + "}]}",
                "{\"events\":[{\"type\":\"A\",\"data\":" + Json.createValue("{\"a\":".repeat(65) + "1" + "}".repeat(65)) + "}]}",
                "{\"events\":[" + ev + "],\"condition\":{\"failIfEventsMatch\":" + deep + "}}",
                "{\"events\":[" + ev + "],\"condition\":" + "{\"a\":".repeat(1000) + "1" + "}".repeat(1000) + "}");
        for (String body : bodies) {
            DcbBadRequest e = assertThrows(DcbBadRequest.class, () -> DcbJson.appendRequest(new StringReader(body)));
            assertEquals(400, e.status());
            assertTrue(e.getMessage().contains("deeper than 64 levels"), e.getMessage());
        }
        for (String[] read : List.of(new String[] {deep, null}, new String[] {"{\"items\":[]}", deep},
                new String[] {"{\"items\":[{\"types\":" + deep + "}]}", null})) {
            DcbBadRequest e = assertThrows(DcbBadRequest.class, () -> DcbJson.readRequest(read[0], read[1]));
            assertTrue(e.getMessage().contains("deeper than 64 levels"), e.getMessage());
        }
        DcbJson.appendRequest(new StringReader("{\"events\":[{\"type\":\"A\",\"data\":"
                + Json.createValue("[".repeat(64) + "]".repeat(64)) + "}]}"));
    }

    @Test
    void numbersOfMoreThan100CharactersAreRefusedWhereverTheyAre() {
        String big = "1" + "0".repeat(1100);
        String ev = "{\"type\":\"A\"}";
        for (String body : List.of(
                "{\"events\":[" + ev + "],\"condition\":{\"failIfEventsMatch\":{\"items\":[]},\"after\":" + big + "}}",
                "{\"events\":[{\"type\":\"A\",\"data\":\"{\\\"n\\\":" + big + "}\"}]}",
                "{\"events\":[{\"type\":\"A\",\"data\":\"" + big + "\"}]}",
                "{\"events\":[" + ev + "],\"x\":" + big + "}")) {
            DcbBadRequest e = assertThrows(DcbBadRequest.class, () -> DcbJson.appendRequest(new StringReader(body)));
            assertTrue(e.getMessage().contains("number of 1101 characters, the limit is 100"), e.getMessage());
        }
        DcbBadRequest e = assertThrows(DcbBadRequest.class, () -> DcbJson.readRequest("{\"items\":[]}", "{\"from\":" + big + "}"));
        assertTrue(e.getMessage().contains("the limit is 100"), e.getMessage());
        e = assertThrows(DcbBadRequest.class, () -> DcbJson.readRequest("{\"items\":[]}", "{\"from\":1e99999999}"));
        assertTrue(e.getMessage().contains("too large"), e.getMessage());
        assertEquals(100, DcbJson.readRequest("{\"items\":[]}", "{\"from\":1e2}").from());
    }
}
