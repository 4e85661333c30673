package dev.pgevents.cart;

import dev.pgevents.http.BadRequestException;
import dev.pgevents.http.StrictJson;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyReader;
import jakarta.ws.rs.ext.Provider;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A request body of the cart API: exactly one JSON object. Its fields are read by the slices with
 * {@link Fields}' rules (a price may be a JSON number or a numeric string, which a record binding
 * cannot express).
 */
public record CartJsonBody(JsonObject json) {

    /**
     * Reads the cart API's bodies strictly: one JSON object in UTF-8 (no other charset, no malformed
     * bytes, nothing after it) within {@link StrictJson}'s limits; every refusal is a 400 in the
     * API's words, a Content-Type with wildcards a 415.
     */
    @Provider
    @Consumes(MediaType.APPLICATION_JSON)
    public static class Reader implements MessageBodyReader<CartJsonBody> {

        @Override
        public boolean isReadable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
            return type == CartJsonBody.class;
        }

        @Override
        public CartJsonBody readFrom(Class<CartJsonBody> type, Type genericType, Annotation[] annotations,
                                     MediaType mediaType, MultivaluedMap<String, String> headers, InputStream body) {
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
                json = StrictJson.read(StrictJson.PARSERS.createParser(reader), "the request body");
            } catch (StrictJson.Invalid e) {
                throw new BadRequestException(e.getMessage());
            }
            if (!(json instanceof JsonObject object)) {
                throw new BadRequestException("the request body must be a JSON object");
            }
            return new CartJsonBody(object);
        }
    }
}
