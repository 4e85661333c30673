package dev.pgevents.courses;

import dev.pgevents.courses.StudentEvent.StudentRegistered;
import dev.pgevents.courses.SubscriptionEvent.StudentSubscribed;
import dev.pgevents.courses.SubscriptionEvent.StudentUnsubscribed;
import dev.pgevents.decision.State;
import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.RecordedEvent;
import java.util.Set;
import java.util.TreeSet;

/** A student as the commands need it: folded from every event tagged with the student. */
public record StudentState(String studentId, boolean registered, Set<String> courses) implements State<StudentState> {

    /** At most this many subscriptions per student. */
    public static final int MAX_SUBSCRIPTIONS = 5;

    public StudentState {
        courses = Set.copyOf(courses);
    }

    public static StudentState of(String studentId) {
        return new StudentState(studentId, false, Set.of());
    }

    @Override
    public EventQuery query() {
        return EventQuery.tagged("student:" + studentId);
    }

    @Override
    public StudentState evolve(RecordedEvent event) {
        Object e = event.event();
        if (e instanceof StudentRegistered) {
            return new StudentState(studentId, true, courses);
        } else if (e instanceof StudentSubscribed s) {
            return withCourses(s.courseId(), true);
        } else if (e instanceof StudentUnsubscribed u) {
            return withCourses(u.courseId(), false);
        }
        return this;
    }

    /** The student, or a 404 rejection. */
    public StudentState existing() {
        if (!registered) {
            throw new Rejections.NotFound("student-not-found", "student " + studentId + " is not registered");
        }
        return this;
    }

    private StudentState withCourses(String courseId, boolean add) {
        Set<String> next = new TreeSet<>(courses);
        if (add) {
            next.add(courseId);
        } else {
            next.remove(courseId);
        }
        return new StudentState(studentId, registered, next);
    }
}
