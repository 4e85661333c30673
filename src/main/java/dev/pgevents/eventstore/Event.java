package dev.pgevents.eventstore;

/**
 * A domain event. Events are records grouped by a sealed interface per family that extends this
 * one, for example {@code sealed interface CourseEvent extends Event permits CourseDefined, ...}.
 * Register the family with {@link EventTypeRegistry#register(Class)}; the type name is the simple
 * class name unless {@link EventType} says otherwise, and the tags come from components annotated
 * with {@link Tag}.
 */
public interface Event {
}
