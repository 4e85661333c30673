package dev.pgevents.courses;

import dev.pgevents.eventstore.Event;
import dev.pgevents.eventstore.Tag;

/** What happens to a course. Every event carries the tag {@code course:<courseId>}. */
public sealed interface CourseEvent extends Event {

    String courseId();

    record CourseDefined(@Tag("course") String courseId, String name, int capacity) implements CourseEvent {
    }

    record CourseRenamed(@Tag("course") String courseId, String name) implements CourseEvent {
    }

    record CourseCapacityChanged(@Tag("course") String courseId, int capacity) implements CourseEvent {
    }

    record CourseClosed(@Tag("course") String courseId) implements CourseEvent {
    }
}
