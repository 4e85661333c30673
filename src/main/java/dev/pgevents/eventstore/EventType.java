package dev.pgevents.eventstore;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The stored type name and the version of an event record. Type names are part of the stored
 * data: renaming a class is safe once this annotation keeps the old name. The version counts the
 * shapes of the stored payload: raise it when the payload changes in a way the old data does not
 * read as (a renamed or retyped field, a new field whose default is not null or zero, a new type
 * name) and register an {@link Upcaster} from the previous version.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface EventType {

    /** The stored type name; empty: the simple class name. */
    String value() default "";

    /** The current version of the payload's shape, 1 for a type that never changed. */
    int version() default 1;
}
