package dev.pgevents.courses;

import dev.pgevents.http.BadRequestException;
import dev.pgevents.http.JsonRecords;
import dev.pgevents.http.StrictJson;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyReader;
import jakarta.ws.rs.ext.Provider;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;

/**
 * Reads the courses API's request bodies strictly, in place of JSON-B (which takes 5 or true for a
 * string, 1.5 for the integer 1, {@code "10"} for 10, and ignores what follows the JSON): exactly
 * one JSON object in UTF-8 (no other charset, no malformed bytes, nothing after it), within
 * {@link StrictJson}'s limits, bound to the request record by {@link JsonRecords}. Every refusal is
 * a 400 in the API's words ("capacity must be an integer, not 1.5"); a Content-Type with
 * wildcards is a 415.
 */
@Provider
@Consumes(MediaType.APPLICATION_JSON)
public class StrictJsonBodies implements MessageBodyReader<Record> {

    @Override
    public boolean isReadable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return type.isRecord() && type.getPackageName().equals(StrictJsonBodies.class.getPackageName())
                && JsonRecords.bindable(type);
    }

    @Override
    public Record readFrom(Class<Record> type, Type genericType, Annotation[] annotations, MediaType mediaType,
                           MultivaluedMap<String, String> headers, InputStream body) {
        JsonObject object = StrictJson.requestObject(mediaType, body);
        try {
            return JsonRecords.bind(object, type);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
    }
}
