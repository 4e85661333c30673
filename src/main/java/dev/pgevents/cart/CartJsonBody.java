package dev.pgevents.cart;

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
 * A request body of the cart API: exactly one JSON object. Its fields are read by the slices with
 * {@link Fields}' rules (a price may be a JSON number or a numeric string, which a record binding
 * cannot express).
 */
public record CartJsonBody(JsonObject json) {

    /**
     * Reads the cart API's bodies strictly ({@link StrictJson#requestObject}): every refusal is a
     * 400 in the API's words, a Content-Type with wildcards a 415.
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
            return new CartJsonBody(StrictJson.requestObject(mediaType, body));
        }
    }
}
