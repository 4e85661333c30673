package dev.pgevents.courses;

import static dev.pgevents.decision.testing.DecisionScenario.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pgevents.courses.CourseEvent.CourseDefined;
import dev.pgevents.http.BadRequestException;
import org.junit.jupiter.api.Test;

class DefineCourseTest {

    @Test
    void aNewCourseIsDefined() {
        given().when(new DefineCourse("c1", "Algebra", 10)).thenEvents(new CourseDefined("c1", "Algebra", 10));
    }

    @Test
    void aCourseIdIsUsedOnce() {
        given(new CourseDefined("c1", "Algebra", 10))
                .when(new DefineCourse("c1", "Other", 5))
                .thenRejected("course-exists");
    }

    @Test
    void anotherCourseDoesNotStandInTheWay() {
        given(new CourseDefined("c2", "Algebra", 10))
                .when(new DefineCourse("c1", "Algebra", 10))
                .thenEvents(new CourseDefined("c1", "Algebra", 10));
    }

    @Test
    void theRequestIsValidated() {
        assertEquals(new DefineCourse("c-1.x_2", "A", 1000), new DefineCourse.Request("c-1.x_2", "A", 1000).toCommand());
        assertThrows(BadRequestException.class, () -> new DefineCourse.Request(null, "A", 1).toCommand());
        assertThrows(BadRequestException.class, () -> new DefineCourse.Request("bad id", "A", 1).toCommand());
        assertThrows(BadRequestException.class, () -> new DefineCourse.Request("x".repeat(65), "A", 1).toCommand());
        assertThrows(BadRequestException.class, () -> new DefineCourse.Request("c1", "", 1).toCommand());
        assertThrows(BadRequestException.class, () -> new DefineCourse.Request("c1", "n".repeat(201), 1).toCommand());
        assertThrows(BadRequestException.class, () -> new DefineCourse.Request("c1", "A", 0).toCommand());
        assertThrows(BadRequestException.class, () -> new DefineCourse.Request("c1", "A", 1001).toCommand());
        assertThrows(BadRequestException.class, () -> new DefineCourse.Request("c1", "A", null).toCommand());
    }
}
