package dev.pgevents.courses;

import dev.pgevents.http.BadRequestException;
import java.util.function.Supplier;

/**
 * Validation of request fields, before any decision runs: the rules of {@link Fields}, and a
 * failure is a 400 naming the field.
 */
final class Inputs {

    private Inputs() {
    }

    static <T> T body(T body) {
        if (body == null) {
            throw new BadRequestException("a JSON body is required");
        }
        return body;
    }

    static String id(String field, String value) {
        return valid(() -> Fields.id(field, value));
    }

    static String name(String field, String value) {
        return valid(() -> Fields.name(field, value));
    }

    static int capacity(String field, Integer value) {
        if (value == null) {
            throw new BadRequestException(field + " is required");
        }
        return valid(() -> Fields.capacity(field, value));
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

    private static <T> T valid(Supplier<T> rule) {
        try {
            return rule.get();
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
    }
}
