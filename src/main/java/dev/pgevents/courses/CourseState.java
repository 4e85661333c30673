package dev.pgevents.courses;

import dev.pgevents.courses.CourseEvent.CourseCapacityChanged;
import dev.pgevents.courses.CourseEvent.CourseClosed;
import dev.pgevents.courses.CourseEvent.CourseDefined;
import dev.pgevents.courses.CourseEvent.CourseRenamed;
import dev.pgevents.courses.SubscriptionEvent.StudentSubscribed;
import dev.pgevents.courses.SubscriptionEvent.StudentUnsubscribed;
import dev.pgevents.decision.State;
import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.RecordedEvent;

/** A course as the course commands need it: folded from every event tagged with the course. */
public record CourseState(String courseId, boolean exists, String name, int capacity, int subscribers, boolean closed)
        implements State<CourseState> {

    public static CourseState of(String courseId) {
        return new CourseState(courseId, false, null, 0, 0, false);
    }

    @Override
    public EventQuery query() {
        return EventQuery.tagged("course:" + courseId);
    }

    @Override
    public CourseState evolve(RecordedEvent event) {
        Object e = event.event();
        if (e instanceof CourseDefined d) {
            return new CourseState(courseId, true, d.name(), d.capacity(), subscribers, closed);
        } else if (e instanceof CourseRenamed r) {
            return new CourseState(courseId, exists, r.name(), capacity, subscribers, closed);
        } else if (e instanceof CourseCapacityChanged c) {
            return new CourseState(courseId, exists, name, c.capacity(), subscribers, closed);
        } else if (e instanceof CourseClosed) {
            return new CourseState(courseId, exists, name, capacity, subscribers, true);
        } else if (e instanceof StudentSubscribed) {
            return new CourseState(courseId, exists, name, capacity, subscribers + 1, closed);
        } else if (e instanceof StudentUnsubscribed) {
            return new CourseState(courseId, exists, name, capacity, subscribers - 1, closed);
        }
        return this;
    }

    /** The course, or a 404 rejection. */
    public CourseState existing() {
        if (!exists) {
            throw new Rejections.NotFound("course-not-found", "course " + courseId + " does not exist");
        }
        return this;
    }

    /** The course, open for changes, or a rejection. */
    public CourseState open() {
        existing();
        if (closed) {
            throw Rejections.rule("course-closed", "course " + courseId + " is closed");
        }
        return this;
    }
}
