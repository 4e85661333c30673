package dev.pgevents.decision.courses;

import dev.pgevents.eventstore.Event;
import dev.pgevents.eventstore.Tag;
import java.util.UUID;

/** Test-only domain: courses with a capacity, students subscribing (the classic DCB example). */
public sealed interface CourseEvent extends Event {

    record CourseDefined(@Tag("course") String courseId, int capacity) implements CourseEvent {
    }

    /** Extra seats granted because of a triggering event (idempotent by that event's id). */
    record CapacityIncreased(@Tag("course") String courseId, int seats, UUID triggeredBy) implements CourseEvent {
    }

    record StudentSubscribed(@Tag("course") String courseId, @Tag("student") String studentId) implements CourseEvent {
    }

    record StudentUnsubscribed(@Tag("course") String courseId, @Tag("student") String studentId) implements CourseEvent {
    }
}
