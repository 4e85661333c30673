package dev.pgevents.courses;

import java.util.regex.Pattern;

/**
 * The value rules of the domain's fields, in one place: the events' constructors apply them (so an
 * event appended by any path, the courses API, the Java API or /dcb, is one the read models can
 * take) and {@link Inputs} applies them to requests. A broken rule is an
 * {@link IllegalArgumentException} whose message names the field in the API's words.
 */
final class Fields {

    static final int MIN_CAPACITY = 1;
    static final int MAX_CAPACITY = 1000;
    static final int MAX_NAME_LENGTH = 200;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private Fields() {
    }

    /** 1 to 64 letters, digits, '-', '_' or '.', but not '.' or '..' (they are path segments of their own). */
    static String id(String field, String value) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is required");
        }
        if (!ID.matcher(value).matches() || value.equals(".") || value.equals("..")) {
            throw new IllegalArgumentException(field + " must be 1 to 64 letters, digits, '-', '_' or '.' (not '.' or '..')");
        }
        return value;
    }

    static String name(String field, String value) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is required");
        }
        if (value.isBlank() || value.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException(field + " must be 1 to " + MAX_NAME_LENGTH + " characters, not blank");
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(field + " must not contain control characters");
        }
        if (!wellFormed(value)) {
            throw new IllegalArgumentException(field + " must not contain unpaired UTF-16 surrogates");
        }
        return value;
    }

    static int capacity(String field, int value) {
        if (value < MIN_CAPACITY || value > MAX_CAPACITY) {
            throw new IllegalArgumentException(field + " must be between " + MIN_CAPACITY + " and " + MAX_CAPACITY);
        }
        return value;
    }

    private static boolean wellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
