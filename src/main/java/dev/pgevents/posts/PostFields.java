package dev.pgevents.posts;

import dev.pgevents.http.BadRequestException;
import dev.pgevents.http.StrictJson;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/** The rules of the posts API's fields: a 400 in the API's words for any other input. */
final class PostFields {

    static final int MAX_TITLE = 200;
    static final int MAX_BODY = 100_000;

    private PostFields() {
    }

    /** A required, non-blank text field of the body, at most {@code max} characters. */
    static String text(JsonObject body, String field, int max) {
        JsonValue value = body.get(field);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            throw new BadRequestException(field + " is required");
        }
        if (!(value instanceof JsonString s)) {
            throw new BadRequestException(field + " must be a string");
        }
        String text = s.getString();
        if (text.isBlank()) {
            throw new BadRequestException(field + " must not be blank");
        }
        if (text.length() > max) {
            throw new BadRequestException(field + " must be at most " + max + " characters");
        }
        if (StrictJson.unstorable(text) != null) {
            throw new BadRequestException(field + " " + StrictJson.unstorable(text));
        }
        return text;
    }

    /** An id from the path: a whole number from 1 up; anything else names nothing (404). */
    static long id(String text) {
        if (text.matches("[1-9][0-9]{0,18}")) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                // beyond Long.MAX_VALUE: no such row
            }
        }
        return -1;
    }
}
