package dev.pgevents.decision.courses;

import dev.pgevents.decision.State;
import dev.pgevents.decision.courses.CourseEvent.StudentSubscribed;
import dev.pgevents.decision.courses.CourseEvent.StudentUnsubscribed;
import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.QueryItem;
import dev.pgevents.eventstore.RecordedEvent;

/** How many courses a student is subscribed to. */
public record StudentState(String studentId, int courses) implements State<StudentState> {

    public static StudentState initial(String studentId) {
        return new StudentState(studentId, 0);
    }

    @Override
    public EventQuery query() {
        return EventQuery.of(QueryItem.types(StudentSubscribed.class, StudentUnsubscribed.class)
                .tagged("student:" + studentId));
    }

    @Override
    public StudentState evolve(RecordedEvent event) {
        if (event.event() instanceof StudentSubscribed) {
            return new StudentState(studentId, courses + 1);
        }
        if (event.event() instanceof StudentUnsubscribed) {
            return new StudentState(studentId, courses - 1);
        }
        return this;
    }
}
