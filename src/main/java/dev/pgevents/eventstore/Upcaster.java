package dev.pgevents.eventstore;

import jakarta.json.JsonObject;
import java.util.function.UnaryOperator;

/**
 * One step of an event type's schema evolution: turns the stored payload of version
 * {@link #fromVersion()} of type {@link #type()} into the payload of version
 * {@code fromVersion() + 1}, stored under {@link #toType()} (a new name when the step renames the
 * type). The registry chains the steps from any stored version up to the class's current one;
 * stored data is never rewritten. In the application, upcasters are CDI beans (or produced
 * ones), registered before the event classes.
 */
public interface Upcaster {

    /** The stored type name this step reads. */
    String type();

    /** The version this step reads; it produces {@code fromVersion() + 1}. */
    int fromVersion();

    /** The type name of the version this step produces: {@link #type()} unless it renames the type. */
    default String toType() {
        return type();
    }

    /** The payload of the next version (a pure function: it runs on every read of an old event). */
    JsonObject upcast(JsonObject payload);

    /** A step that keeps the type name. */
    static Upcaster of(String type, int fromVersion, UnaryOperator<JsonObject> step) {
        return new UpcastStep(type, fromVersion, type, step);
    }

    /** A step that renames the type (and changes the payload, or passes it on with {@code p -> p}). */
    static Upcaster renaming(String type, int fromVersion, String toType, UnaryOperator<JsonObject> step) {
        return new UpcastStep(type, fromVersion, toType, step);
    }
}
