package dev.pgevents.courses;

import dev.pgevents.courses.CourseEvent.CourseRenamed;
import dev.pgevents.decision.Decision;
import dev.pgevents.decision.State;
import dev.pgevents.decision.States;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Slice: rename a course ({@code PUT /api/courses/{id}/name}). A closed course keeps its name. */
public record RenameCourse(String courseId, String name) implements Decision {

    /** The HTTP body. */
    @Schema(name = "RenameCourseRequest")
    public record Request(String name) {
        public RenameCourse toCommand(String courseId) {
            return new RenameCourse(Inputs.id("courseId", courseId), Inputs.name("name", name));
        }
    }

    @Override
    public List<State<?>> initialStates() {
        return List.of(CourseState.of(courseId));
    }

    @Override
    public List<CourseRenamed> process(States states) {
        CourseState course = states.get(CourseState.class).open();
        if (course.name().equals(name)) {
            throw Rejections.rule("name-unchanged", "course " + courseId + " is already named '" + name + "'");
        }
        return List.of(new CourseRenamed(courseId, name));
    }
}
