package dev.pgevents.courses;

import dev.pgevents.eventstore.Event;
import dev.pgevents.eventstore.Tag;

/**
 * What happens to a course. Every event carries the tag {@code course:<courseId>}. The constructors
 * apply the fields' rules ({@link Fields}): an event that breaks one is never appended, whatever
 * the path (a /dcb append of a bad payload is a 400), so the read models can take every event.
 */
public sealed interface CourseEvent extends Event {

    String courseId();

    record CourseDefined(@Tag("course") String courseId, String name, int capacity) implements CourseEvent {
        public CourseDefined {
            Fields.id("courseId", courseId);
            Fields.name("name", name);
            Fields.capacity("capacity", capacity);
        }
    }

    record CourseRenamed(@Tag("course") String courseId, String name) implements CourseEvent {
        public CourseRenamed {
            Fields.id("courseId", courseId);
            Fields.name("name", name);
        }
    }

    record CourseCapacityChanged(@Tag("course") String courseId, int capacity) implements CourseEvent {
        public CourseCapacityChanged {
            Fields.id("courseId", courseId);
            Fields.capacity("capacity", capacity);
        }
    }

    record CourseClosed(@Tag("course") String courseId) implements CourseEvent {
        public CourseClosed {
            Fields.id("courseId", courseId);
        }
    }
}
