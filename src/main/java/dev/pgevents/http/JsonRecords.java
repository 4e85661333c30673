package dev.pgevents.http;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Set;
import java.util.UUID;

/**
 * Binds a JSON object to a record through its canonical constructor, strictly: a String component
 * takes a JSON string only (not a number or a boolean), a number component an integral JSON number
 * in its range (not {@code 1.5}, not {@code "10"}), a boolean {@code true} or {@code false}, a UUID
 * a UUID string; a primitive component is required; text PostgreSQL cannot store (U+0000, unpaired
 * surrogates) is refused. Properties are the components' names (JSON-B's default), other keys are
 * ignored. JSON-B is lenient on all of this (it reads 5 into a String, {@code 1.5} into an int as 1,
 * and overflows silently), so requests and the payloads of known event types go through here.
 * Every refusal, and every exception of the record's constructor (its rules), is an
 * {@link IllegalArgumentException} whose message names the property in the API's words.
 */
public final class JsonRecords {

    private static final Set<Class<?>> SUPPORTED = Set.of(String.class, int.class, Integer.class, long.class, Long.class,
            boolean.class, Boolean.class, UUID.class);

    private JsonRecords() {
    }

    /**
     * True if {@link #bind} can read this class: a record whose components all have supported
     * types, with no JSON-B annotation that would change its mapping.
     */
    public static boolean bindable(Class<?> type) {
        if (!type.isRecord() || hasJsonbAnnotation(type)) {
            return false;
        }
        for (RecordComponent c : type.getRecordComponents()) {
            if (!SUPPORTED.contains(c.getType()) || hasJsonbAnnotation(c.getAccessor()) || hasJsonbAnnotation(field(type, c))) {
                return false;
            }
        }
        return true;
    }

    /** The record the object describes; see the class comment for the rules. */
    public static <R> R bind(JsonObject object, Class<R> type) {
        if (!bindable(type)) {
            throw new IllegalStateException(type.getName() + " is not a record JsonRecords can bind");
        }
        RecordComponent[] components = type.getRecordComponents();
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            values[i] = value(components[i].getName(), components[i].getType(), object.get(components[i].getName()));
        }
        try {
            Constructor<R> constructor = type.getDeclaredConstructor(
                    Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
            constructor.setAccessible(true);
            return constructor.newInstance(values);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException rule) {
                throw rule instanceof IllegalArgumentException iae ? iae : new IllegalArgumentException(rule.getMessage(), rule);
            }
            throw new IllegalStateException("the constructor of " + type.getName() + " failed", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot call the canonical constructor of " + type.getName(), e);
        }
    }

    private static Object value(String name, Class<?> type, JsonValue json) {
        if (json == null || json == JsonValue.NULL) {
            if (type.isPrimitive()) {
                throw new IllegalArgumentException(name + " is required");
            }
            return null;
        }
        if (type == String.class) {
            String s = string(name, json, "a string");
            String problem = StrictJson.unstorable(s);
            if (problem != null) {
                throw new IllegalArgumentException(name + " " + problem);
            }
            return s;
        }
        if (type == UUID.class) {
            String s = string(name, json, "a UUID string");
            try {
                return UUID.fromString(s);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + " must be a UUID");
            }
        }
        if (type == boolean.class || type == Boolean.class) {
            if (json == JsonValue.TRUE || json == JsonValue.FALSE) {
                return json == JsonValue.TRUE;
            }
            throw new IllegalArgumentException(name + " must be true or false, not " + kind(json));
        }
        boolean isInt = type == int.class || type == Integer.class;
        long min = isInt ? Integer.MIN_VALUE : Long.MIN_VALUE;
        long max = isInt ? Integer.MAX_VALUE : Long.MAX_VALUE;
        if (!(json instanceof JsonNumber n)) {
            throw new IllegalArgumentException(name + " must be an integer, not " + kind(json));
        }
        BigDecimal d = n.bigDecimalValue();
        if (d.signum() != 0 && d.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException(name + " must be an integer, not " + clip(n.toString()));
        }
        if (d.compareTo(BigDecimal.valueOf(min)) < 0 || d.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw new IllegalArgumentException(name + " must be an integer from " + min + " to " + max + ", not "
                    + clip(n.toString()));
        }
        long v = d.longValueExact();
        return isInt ? (Object) (int) v : (Object) v;
    }

    private static String string(String name, JsonValue json, String what) {
        if (json instanceof JsonString s) {
            return s.getString();
        }
        throw new IllegalArgumentException(name + " must be " + what + ", not " + kind(json));
    }

    /** What a JSON value is, in a client's words ("an object", "a number", "absent"...). */
    public static String kind(JsonValue v) {
        if (v == null) {
            return "absent";
        }
        return switch (v.getValueType()) {
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case TRUE, FALSE -> "a boolean";
            case NULL -> "null";
        };
    }

    private static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    private static AnnotatedElement field(Class<?> type, RecordComponent c) {
        try {
            return type.getDeclaredField(c.getName());
        } catch (NoSuchFieldException e) {
            return c;
        }
    }

    private static boolean hasJsonbAnnotation(AnnotatedElement element) {
        for (Annotation a : element.getAnnotations()) {
            if (a.annotationType().getPackageName().startsWith("jakarta.json.bind")) {
                return true;
            }
        }
        return false;
    }
}
