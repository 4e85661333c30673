package dev.pgevents.courses;

import static dev.pgevents.decision.testing.DecisionScenario.given;

import dev.pgevents.courses.CourseEvent.CourseCapacityChanged;
import dev.pgevents.courses.CourseEvent.CourseClosed;
import dev.pgevents.courses.CourseEvent.CourseDefined;
import dev.pgevents.courses.SubscriptionEvent.StudentSubscribed;
import dev.pgevents.courses.SubscriptionEvent.StudentUnsubscribed;
import org.junit.jupiter.api.Test;

class ChangeCourseCapacityTest {

    @Test
    void theCapacityChanges() {
        given(new CourseDefined("c1", "Algebra", 10))
                .when(new ChangeCourseCapacity("c1", 20))
                .thenEvents(new CourseCapacityChanged("c1", 20));
    }

    @Test
    void itMustDiffer() {
        given(new CourseDefined("c1", "Algebra", 10), new CourseCapacityChanged("c1", 12))
                .when(new ChangeCourseCapacity("c1", 12))
                .thenRejected("capacity-unchanged");
    }

    @Test
    void itMayNotDropBelowTheSubscribers() {
        given(new CourseDefined("c1", "Algebra", 10), new StudentSubscribed("c1", "s1"),
                new StudentSubscribed("c1", "s2"), new StudentSubscribed("c1", "s3"))
                .when(new ChangeCourseCapacity("c1", 2))
                .thenRejected("capacity-below-subscribers");
    }

    @Test
    void itMayDropToExactlyTheSubscribersLeft() {
        given(new CourseDefined("c1", "Algebra", 10), new StudentSubscribed("c1", "s1"),
                new StudentSubscribed("c1", "s2"), new StudentUnsubscribed("c1", "s1"))
                .when(new ChangeCourseCapacity("c1", 1))
                .thenEvents(new CourseCapacityChanged("c1", 1));
    }

    @Test
    void anUnknownCourseIsNotFound() {
        given().when(new ChangeCourseCapacity("c1", 3)).thenRejected(Rejections.NotFound.class);
    }

    @Test
    void aClosedCourseIsRejected() {
        given(new CourseDefined("c1", "Algebra", 10), new CourseClosed("c1"))
                .when(new ChangeCourseCapacity("c1", 3))
                .thenRejected("course-closed");
    }
}
