package dev.pgevents.courses;

import dev.pgevents.eventstore.Event;
import dev.pgevents.eventstore.Tag;

/**
 * What happens to a student alone. Every event carries the tag {@code student:<studentId>}. The
 * constructor applies the fields' rules ({@link Fields}), as in {@link CourseEvent}.
 */
public sealed interface StudentEvent extends Event {

    record StudentRegistered(@Tag("student") String studentId, String name) implements StudentEvent {
        public StudentRegistered {
            Fields.id("studentId", studentId);
            Fields.name("name", name);
        }
    }
}
