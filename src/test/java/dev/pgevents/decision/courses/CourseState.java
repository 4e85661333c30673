package dev.pgevents.decision.courses;

import dev.pgevents.decision.State;
import dev.pgevents.decision.courses.CourseEvent.CapacityIncreased;
import dev.pgevents.decision.courses.CourseEvent.CourseDefined;
import dev.pgevents.decision.courses.CourseEvent.StudentSubscribed;
import dev.pgevents.decision.courses.CourseEvent.StudentUnsubscribed;
import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.QueryItem;
import dev.pgevents.eventstore.RecordedEvent;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/** A course as a subscription decision needs it. */
public record CourseState(String courseId, boolean exists, int capacity, Set<String> students, Set<UUID> handledTriggers)
        implements State<CourseState> {

    public static CourseState initial(String courseId) {
        return new CourseState(courseId, false, 0, Set.of(), Set.of());
    }

    @Override
    public EventQuery query() {
        return EventQuery.of(QueryItem.types(CourseEvent.class).tagged("course:" + courseId));
    }

    @Override
    public CourseState evolve(RecordedEvent event) {
        if (event.event() instanceof CourseDefined d) {
            return new CourseState(courseId, true, d.capacity(), students, handledTriggers);
        }
        if (event.event() instanceof CapacityIncreased c) {
            Set<UUID> handled = new HashSet<>(handledTriggers);
            handled.add(c.triggeredBy());
            return new CourseState(courseId, exists, capacity + c.seats(), students, Set.copyOf(handled));
        }
        if (event.event() instanceof StudentSubscribed s) {
            Set<String> more = new HashSet<>(students);
            more.add(s.studentId());
            return new CourseState(courseId, exists, capacity, Set.copyOf(more), handledTriggers);
        }
        if (event.event() instanceof StudentUnsubscribed u) {
            Set<String> fewer = new HashSet<>(students);
            fewer.remove(u.studentId());
            return new CourseState(courseId, exists, capacity, Set.copyOf(fewer), handledTriggers);
        }
        return this;
    }

    public boolean full() {
        return students.size() >= capacity;
    }
}
