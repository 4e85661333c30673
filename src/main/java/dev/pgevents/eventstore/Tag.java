package dev.pgevents.eventstore;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a record component (or a public no-argument method) of an event as a tag source: a value
 * {@code v} becomes the tag {@code <prefix>:<v>}. The prefix is {@link #value()}, or the component
 * name when empty. Supported values: String, Number, UUID, Enum (its name), Boolean, Character,
 * and collections or arrays of them (one tag per element). A null value is an
 * {@link InvalidInputException}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.METHOD})
public @interface Tag {
    String value() default "";
}
