package dev.pgevents.courses;

import static dev.pgevents.decision.testing.DecisionScenario.given;

import dev.pgevents.courses.CourseEvent.CourseClosed;
import dev.pgevents.courses.CourseEvent.CourseDefined;
import org.junit.jupiter.api.Test;

class CloseCourseTest {

    @Test
    void aCourseIsClosed() {
        given(new CourseDefined("c1", "Algebra", 10)).when(new CloseCourse("c1")).thenEvents(new CourseClosed("c1"));
    }

    @Test
    void itClosesOnce() {
        given(new CourseDefined("c1", "Algebra", 10), new CourseClosed("c1"))
                .when(new CloseCourse("c1"))
                .thenRejected("course-closed");
    }

    @Test
    void anUnknownCourseIsNotFound() {
        given().when(new CloseCourse("c1")).thenRejected(Rejections.NotFound.class);
    }
}
