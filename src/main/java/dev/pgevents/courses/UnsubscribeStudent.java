package dev.pgevents.courses;

import dev.pgevents.courses.SubscriptionEvent.StudentUnsubscribed;
import dev.pgevents.decision.Decision;
import dev.pgevents.decision.State;
import dev.pgevents.decision.States;
import java.util.List;

/** Slice: unsubscribe a student ({@code DELETE /api/courses/{id}/subscriptions/{studentId}}). */
public record UnsubscribeStudent(String courseId, String studentId) implements Decision {

    public static UnsubscribeStudent of(String courseId, String studentId) {
        return new UnsubscribeStudent(Inputs.id("courseId", courseId), Inputs.id("studentId", studentId));
    }

    @Override
    public List<State<?>> initialStates() {
        return List.of(CourseState.of(courseId), StudentState.of(studentId));
    }

    @Override
    public List<StudentUnsubscribed> process(States states) {
        states.get(CourseState.class).existing();
        StudentState student = states.get(StudentState.class).existing();
        if (!student.courses().contains(courseId)) {
            throw Rejections.rule("not-subscribed", "student " + studentId + " is not subscribed to course " + courseId);
        }
        return List.of(new StudentUnsubscribed(courseId, studentId));
    }
}
