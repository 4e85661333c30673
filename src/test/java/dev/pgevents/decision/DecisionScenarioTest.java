package dev.pgevents.decision;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pgevents.decision.courses.CourseDecisions.CourseFull;
import dev.pgevents.decision.courses.CourseDecisions.DefineCourse;
import dev.pgevents.decision.courses.CourseDecisions.GrantSeats;
import dev.pgevents.decision.courses.CourseDecisions.Subscribe;
import dev.pgevents.decision.courses.CourseEvent.CapacityIncreased;
import dev.pgevents.decision.courses.CourseEvent.CourseDefined;
import dev.pgevents.decision.courses.CourseEvent.StudentSubscribed;
import dev.pgevents.decision.courses.CourseEvent.StudentUnsubscribed;
import dev.pgevents.decision.testing.DecisionScenario;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Given-When-Then, no database. */
class DecisionScenarioTest {

    @Test
    void defineACourse() {
        DecisionScenario.given().when(new DefineCourse("c1", 2)).thenEvents(new CourseDefined("c1", 2));
        DecisionScenario.given(new CourseDefined("c1", 2)).when(new DefineCourse("c1", 3)).thenRejected("course-exists");
        // another course's events are not folded into this state
        DecisionScenario.given(new CourseDefined("c2", 2)).when(new DefineCourse("c1", 3)).thenEvents(new CourseDefined("c1", 3));
    }

    @Test
    void subscribeUntilTheCourseIsFull() {
        DecisionScenario.given(new CourseDefined("c1", 2), new StudentSubscribed("c1", "s1"))
                .when(new Subscribe("c1", "s2"))
                .thenEvents(new StudentSubscribed("c1", "s2"));
        DecisionScenario.given(new CourseDefined("c1", 2), new StudentSubscribed("c1", "s1"), new StudentSubscribed("c1", "s2"))
                .when(new Subscribe("c1", "s3"))
                .thenRejected(CourseFull.class)
                .thenRejected("course-full");
        DecisionScenario.given(new CourseDefined("c1", 2), new StudentSubscribed("c1", "s1"), new StudentSubscribed("c1", "s2"),
                        new StudentUnsubscribed("c1", "s1"))
                .when(new Subscribe("c1", "s3"))
                .thenEvents(new StudentSubscribed("c1", "s3"));
        DecisionScenario.given().when(new Subscribe("nope", "s1")).thenRejected("course-not-found");
    }

    @Test
    void multiStateStudentLimitAcrossCourses() {
        DecisionScenario.given(new CourseDefined("c1", 5), new CourseDefined("c2", 5), new CourseDefined("c3", 5),
                        new CourseDefined("c4", 5), new StudentSubscribed("c1", "s1"), new StudentSubscribed("c2", "s1"),
                        new StudentSubscribed("c3", "s1"))
                .when(new Subscribe("c4", "s1"))
                .thenRejected("student-limit");
        DecisionScenario.given(new CourseDefined("c4", 5), new StudentSubscribed("c1", "s1"), new StudentSubscribed("c2", "s1"),
                        new StudentUnsubscribed("c2", "s1"), new StudentSubscribed("c3", "s1"))
                .when(new Subscribe("c4", "s1"))
                .thenEvents(new StudentSubscribed("c4", "s1"));
    }

    @Test
    void idempotentCommandProducesNothingTheSecondTime() {
        UUID trigger = UUID.randomUUID();
        DecisionScenario.given(new CourseDefined("c1", 2))
                .when(new GrantSeats("c1", 3, trigger))
                .thenEvents(new CapacityIncreased("c1", 3, trigger));
        DecisionScenario.given(new CourseDefined("c1", 2), new CapacityIncreased("c1", 3, trigger))
                .when(new GrantSeats("c1", 3, trigger))
                .thenNoEvents();
    }

    @Test
    void theHarnessReportsMismatchesAsAssertionErrors() {
        assertThrows(AssertionError.class, () -> DecisionScenario.given().when(new DefineCourse("c1", 2))
                .thenEvents(new CourseDefined("c1", 3)));
        assertThrows(AssertionError.class, () -> DecisionScenario.given().when(new DefineCourse("c1", 2))
                .thenRejected("course-exists"));
        assertThrows(AssertionError.class, () -> DecisionScenario.given(new CourseDefined("c1", 1))
                .when(new DefineCourse("c1", 2)).thenEvents(new CourseDefined("c1", 2)));
        assertThrows(AssertionError.class, () -> DecisionScenario.given(new CourseDefined("c1", 1))
                .when(new DefineCourse("c1", 2)).thenRejected(CourseFull.class));
    }
}
