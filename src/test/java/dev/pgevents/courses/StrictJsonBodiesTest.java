package dev.pgevents.courses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.http.BadRequestException;
import jakarta.ws.rs.core.MediaType;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The courses API reads its bodies strictly: one clear 400 for each lenient reading JSON-B allowed. */
class StrictJsonBodiesTest {

    private final StrictJsonBodies reader = new StrictJsonBodies();

    @Test
    void aWellFormedBodyIsTheRequestRecord() {
        assertEquals(new DefineCourse.Request("c1", "Algebra \ud83d\ude00", 10),
                read(DefineCourse.Request.class, "{\"courseId\":\"c1\",\"name\":\"Algebra \\ud83d\\ude00\",\"capacity\":10}", JSON));
        assertEquals(new DefineCourse.Request("c1", "A", 10), read(DefineCourse.Request.class,
                "{\"courseId\":\"c1\",\"name\":\"A\",\"capacity\":10}", new MediaType("application", "json", "UTF-8")));
        assertTrue(reader.isReadable(DefineCourse.Request.class, null, null, JSON));
        assertFalse(reader.isReadable(dev.pgevents.http.Problem.class, null, null, JSON), "only the courses API's records");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"courseId\":\"c1\",\"name\":\"A\",\"capacity\":10} x|the request body is not JSON: content after the JSON value",
        "{\"courseId\":\"c1\",\"name\":\"A\",\"capacity\":10}{}|the request body is not JSON: content after the JSON value",
        "{\"courseId\":\"c1\",\"name\":\"A\",\"capacity\":1.5}|capacity must be an integer, not 1.5",
        "{\"courseId\":\"c1\",\"name\":\"A\",\"capacity\":\"10\"}|capacity must be an integer, not a string",
        "{\"courseId\":\"c1\",\"name\":\"A\",\"capacity\":1e10}|capacity must be an integer from",
        "{\"courseId\":5,\"name\":\"A\",\"capacity\":10}|courseId must be a string, not a number",
        "{\"courseId\":\"c1\",\"name\":true,\"capacity\":10}|name must be a string, not a boolean",
        "{\"courseId\":\"c1\",\"name\":\"\\ud800\",\"capacity\":10}|name contains an unpaired UTF-16 surrogate",
        "[]|the request body must be a JSON object",
        "|the request body is empty",
        "{\"courseId\":|the request body is not JSON"})
    void lenientReadingsAreRefused(String body, String message) {
        BadRequestException e = assertThrows(BadRequestException.class,
                () -> read(DefineCourse.Request.class, body == null ? "" : body, JSON));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
        assertFalse(e.getMessage().contains("java."), e.getMessage());
    }

    @Test
    void otherCharsetsAndMalformedUtf8AreRefused() {
        BadRequestException e = assertThrows(BadRequestException.class, () -> read(RegisterStudent.Request.class,
                "{\"studentId\":\"s\",\"name\":\"A\"}", new MediaType("application", "json", "bogus")));
        assertEquals("the body must be JSON in UTF-8; charset bogus is not supported", e.getMessage());
        byte[] latin1 = "{\"studentId\":\"s\",\"name\":\"\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
        e = assertThrows(BadRequestException.class, () -> reader.readFrom(cast(RegisterStudent.Request.class), null, null, JSON,
                null, new ByteArrayInputStream(latin1)));
        assertTrue(e.getMessage().startsWith("the request body is not JSON"), e.getMessage());
    }

    @Test
    void idsDotAndDotDotAreRefused() {
        for (String id : new String[] {".", ".."}) {
            BadRequestException e = assertThrows(BadRequestException.class,
                    () -> read(RegisterStudent.Request.class, "{\"studentId\":\"" + id + "\",\"name\":\"A\"}", JSON).toCommand());
            assertTrue(e.getMessage().contains("not '.' or '..'"), e.getMessage());
        }
    }

    private static final MediaType JSON = MediaType.APPLICATION_JSON_TYPE;

    private <R extends Record> R read(Class<R> type, String body, MediaType mediaType) {
        return type.cast(reader.readFrom(cast(type), null, null, mediaType, null,
                new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))));
    }

    @SuppressWarnings("unchecked")
    private static Class<Record> cast(Class<?> type) {
        return (Class<Record>) type;
    }
}
