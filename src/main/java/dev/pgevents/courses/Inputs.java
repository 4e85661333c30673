package dev.pgevents.courses;

import dev.pgevents.http.BadRequestException;
import java.util.regex.Pattern;

/** Validation of request fields, before any decision runs: a failure is a 400 naming the field. */
final class Inputs {

    static final int MIN_CAPACITY = 1;
    static final int MAX_CAPACITY = 1000;
    static final int MAX_NAME_LENGTH = 200;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private Inputs() {
    }

    static <T> T body(T body) {
        if (body == null) {
            throw new BadRequestException("a JSON body is required");
        }
        return body;
    }

    static String id(String field, String value) {
        if (value == null) {
            throw new BadRequestException(field + " is required");
        }
        if (!ID.matcher(value).matches()) {
            throw new BadRequestException(field + " must be 1 to 64 letters, digits, '-', '_' or '.'");
        }
        return value;
    }

    static String name(String field, String value) {
        if (value == null) {
            throw new BadRequestException(field + " is required");
        }
        if (value.isBlank() || value.length() > MAX_NAME_LENGTH) {
            throw new BadRequestException(field + " must be 1 to " + MAX_NAME_LENGTH + " characters, not blank");
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw new BadRequestException(field + " must not contain control characters");
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
        throw new BadRequestException(field + " must be a non-negative integer");
    }

    static int capacity(String field, Integer value) {
        if (value == null) {
            throw new BadRequestException(field + " is required");
        }
        if (value < MIN_CAPACITY || value > MAX_CAPACITY) {
            throw new BadRequestException(field + " must be between " + MIN_CAPACITY + " and " + MAX_CAPACITY);
        }
        return value;
    }
}
