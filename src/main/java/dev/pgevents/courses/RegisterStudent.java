package dev.pgevents.courses;

import dev.pgevents.courses.StudentEvent.StudentRegistered;
import dev.pgevents.decision.Decision;
import dev.pgevents.decision.State;
import dev.pgevents.decision.States;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Slice: register a student ({@code POST /api/students}). A student id is used once. */
public record RegisterStudent(String studentId, String name) implements Decision {

    /** The HTTP body. */
    @Schema(name = "RegisterStudentRequest")
    public record Request(String studentId, String name) {
        public RegisterStudent toCommand() {
            return new RegisterStudent(Inputs.id("studentId", studentId), Inputs.name("name", name));
        }
    }

    @Override
    public List<State<?>> initialStates() {
        return List.of(StudentState.of(studentId));
    }

    @Override
    public List<StudentRegistered> process(States states) {
        if (states.get(StudentState.class).registered()) {
            throw Rejections.rule("student-exists", "student " + studentId + " is already registered");
        }
        return List.of(new StudentRegistered(studentId, name));
    }
}
