package dev.pgevents.courses;

import dev.pgevents.courses.SubscriptionEvent.StudentSubscribed;
import dev.pgevents.decision.Decision;
import dev.pgevents.decision.State;
import dev.pgevents.decision.States;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Slice: subscribe a student to a course ({@code POST /api/courses/{id}/subscriptions}). One
 * decision over two states: the course (exists, open, not full) and the student (registered, not
 * yet subscribed, under the limit). Their union is the consistency boundary, so two students
 * racing for the last seat, or one student racing into a sixth course, cannot both win.
 */
public record SubscribeStudent(String courseId, String studentId) implements Decision {

    /** The HTTP body. */
    @Schema(name = "SubscribeStudentRequest")
    public record Request(String studentId) {
        public SubscribeStudent toCommand(String courseId) {
            return new SubscribeStudent(Inputs.id("courseId", courseId), Inputs.id("studentId", studentId));
        }
    }

    @Override
    public List<State<?>> initialStates() {
        return List.of(CourseState.of(courseId), StudentState.of(studentId));
    }

    @Override
    public List<StudentSubscribed> process(States states) {
        CourseState course = states.get(CourseState.class).existing();
        StudentState student = states.get(StudentState.class).existing();
        course.open();
        if (student.courses().contains(courseId)) {
            throw Rejections.rule("already-subscribed", "student " + studentId + " is already subscribed to course " + courseId);
        }
        if (course.subscribers() >= course.capacity()) {
            throw Rejections.rule("course-full", "course " + courseId + " is full (" + course.capacity() + " seats)");
        }
        if (student.courses().size() >= StudentState.MAX_SUBSCRIPTIONS) {
            throw Rejections.rule("subscription-limit", "student " + studentId + " already has "
                    + StudentState.MAX_SUBSCRIPTIONS + " subscriptions");
        }
        return List.of(new StudentSubscribed(courseId, studentId));
    }
}
