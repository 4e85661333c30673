package dev.pgevents.courses;

import static dev.pgevents.decision.testing.DecisionScenario.given;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pgevents.courses.StudentEvent.StudentRegistered;
import dev.pgevents.http.BadRequestException;
import org.junit.jupiter.api.Test;

class RegisterStudentTest {

    @Test
    void aStudentRegisters() {
        given().when(new RegisterStudent("s1", "Ada")).thenEvents(new StudentRegistered("s1", "Ada"));
    }

    @Test
    void aStudentRegistersOnce() {
        given(new StudentRegistered("s1", "Ada")).when(new RegisterStudent("s1", "Ada")).thenRejected("student-exists");
    }

    @Test
    void theRequestIsValidated() {
        assertThrows(BadRequestException.class, () -> new RegisterStudent.Request("s/1", "Ada").toCommand());
        assertThrows(BadRequestException.class, () -> new RegisterStudent.Request("s1", null).toCommand());
        assertThrows(BadRequestException.class, () -> new RegisterStudent.Request("s1", "A\u0000B").toCommand());
        assertThrows(BadRequestException.class, () -> new RegisterStudent.Request("s1", "A\nB").toCommand());
    }
}
