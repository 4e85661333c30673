package dev.pgevents.courses;

import static dev.pgevents.decision.testing.DecisionScenario.given;

import dev.pgevents.courses.CourseEvent.CourseClosed;
import dev.pgevents.courses.CourseEvent.CourseDefined;
import dev.pgevents.courses.CourseEvent.CourseRenamed;
import org.junit.jupiter.api.Test;

class RenameCourseTest {

    @Test
    void aCourseIsRenamed() {
        given(new CourseDefined("c1", "Algebra", 10))
                .when(new RenameCourse("c1", "Linear algebra"))
                .thenEvents(new CourseRenamed("c1", "Linear algebra"));
    }

    @Test
    void theLatestNameCounts() {
        given(new CourseDefined("c1", "Algebra", 10), new CourseRenamed("c1", "Linear algebra"))
                .when(new RenameCourse("c1", "Algebra"))
                .thenEvents(new CourseRenamed("c1", "Algebra"));
    }

    @Test
    void theSameNameIsRejected() {
        given(new CourseDefined("c1", "Algebra", 10)).when(new RenameCourse("c1", "Algebra")).thenRejected("name-unchanged");
    }

    @Test
    void anUnknownCourseIsNotFound() {
        given().when(new RenameCourse("c1", "Algebra")).thenRejected(Rejections.NotFound.class);
    }

    @Test
    void aClosedCourseKeepsItsName() {
        given(new CourseDefined("c1", "Algebra", 10), new CourseClosed("c1"))
                .when(new RenameCourse("c1", "Other"))
                .thenRejected("course-closed");
    }
}
