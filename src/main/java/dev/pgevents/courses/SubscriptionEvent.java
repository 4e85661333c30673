package dev.pgevents.courses;

import dev.pgevents.eventstore.Event;
import dev.pgevents.eventstore.Tag;

/**
 * A student joining or leaving a course: tagged with both, so it belongs to the consistency
 * boundary of the course and to that of the student. The constructors apply the fields' rules
 * ({@link Fields}), as in {@link CourseEvent}.
 */
public sealed interface SubscriptionEvent extends Event {

    String courseId();

    String studentId();

    record StudentSubscribed(@Tag("course") String courseId, @Tag("student") String studentId)
            implements SubscriptionEvent {
        public StudentSubscribed {
            Fields.id("courseId", courseId);
            Fields.id("studentId", studentId);
        }
    }

    record StudentUnsubscribed(@Tag("course") String courseId, @Tag("student") String studentId)
            implements SubscriptionEvent {
        public StudentUnsubscribed {
            Fields.id("courseId", courseId);
            Fields.id("studentId", studentId);
        }
    }
}
