package dev.pgevents.courses;

import dev.pgevents.courses.CourseEvent.CourseClosed;
import dev.pgevents.decision.Decision;
import dev.pgevents.decision.State;
import dev.pgevents.decision.States;
import java.util.List;

/** Slice: close a course ({@code POST /api/courses/{id}/close}); a closed course takes no changes. */
public record CloseCourse(String courseId) implements Decision {

    public static CloseCourse of(String courseId) {
        return new CloseCourse(Inputs.id("courseId", courseId));
    }

    @Override
    public List<State<?>> initialStates() {
        return List.of(CourseState.of(courseId));
    }

    @Override
    public List<CourseClosed> process(States states) {
        states.get(CourseState.class).open();
        return List.of(new CourseClosed(courseId));
    }
}
