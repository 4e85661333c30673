package dev.pgevents.courses;

import dev.pgevents.courses.CourseEvent.CourseDefined;
import dev.pgevents.decision.Decision;
import dev.pgevents.decision.State;
import dev.pgevents.decision.States;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Slice: define a course ({@code POST /api/courses}). A course id is used once. */
public record DefineCourse(String courseId, String name, int capacity) implements Decision {

    /** The HTTP body. */
    @Schema(name = "DefineCourseRequest")
    public record Request(String courseId, String name, Integer capacity) {
        public DefineCourse toCommand() {
            return new DefineCourse(Inputs.id("courseId", courseId), Inputs.name("name", name),
                    Inputs.capacity("capacity", capacity));
        }
    }

    @Override
    public List<State<?>> initialStates() {
        return List.of(CourseState.of(courseId));
    }

    @Override
    public List<CourseDefined> process(States states) {
        if (states.get(CourseState.class).exists()) {
            throw Rejections.rule("course-exists", "course " + courseId + " already exists");
        }
        return List.of(new CourseDefined(courseId, name, capacity));
    }
}
