package dev.pgevents.courses;

import dev.pgevents.courses.CourseEvent.CourseCapacityChanged;
import dev.pgevents.decision.Decision;
import dev.pgevents.decision.State;
import dev.pgevents.decision.States;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Slice: change the capacity of a course ({@code PUT /api/courses/{id}/capacity}). It must
 * differ, and it may not drop below the students already subscribed.
 */
public record ChangeCourseCapacity(String courseId, int capacity) implements Decision {

    /** The HTTP body. */
    @Schema(name = "ChangeCourseCapacityRequest")
    public record Request(Integer capacity) {
        public ChangeCourseCapacity toCommand(String courseId) {
            return new ChangeCourseCapacity(Inputs.id("courseId", courseId), Inputs.capacity("capacity", capacity));
        }
    }

    @Override
    public List<State<?>> initialStates() {
        return List.of(CourseState.of(courseId));
    }

    @Override
    public List<CourseCapacityChanged> process(States states) {
        CourseState course = states.get(CourseState.class).open();
        if (course.capacity() == capacity) {
            throw Rejections.rule("capacity-unchanged", "course " + courseId + " already has capacity " + capacity);
        }
        if (capacity < course.subscribers()) {
            throw Rejections.rule("capacity-below-subscribers", "course " + courseId + " has " + course.subscribers()
                    + " subscribed students, more than the new capacity " + capacity);
        }
        return List.of(new CourseCapacityChanged(courseId, capacity));
    }
}
