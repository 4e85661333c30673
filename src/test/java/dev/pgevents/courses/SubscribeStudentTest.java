package dev.pgevents.courses;

import static dev.pgevents.decision.testing.DecisionScenario.given;

import dev.pgevents.courses.CourseEvent.CourseCapacityChanged;
import dev.pgevents.courses.CourseEvent.CourseClosed;
import dev.pgevents.courses.CourseEvent.CourseDefined;
import dev.pgevents.courses.StudentEvent.StudentRegistered;
import dev.pgevents.courses.SubscriptionEvent.StudentSubscribed;
import dev.pgevents.courses.SubscriptionEvent.StudentUnsubscribed;
import org.junit.jupiter.api.Test;

class SubscribeStudentTest {

    private static final CourseDefined ALGEBRA = new CourseDefined("c1", "Algebra", 2);
    private static final StudentRegistered ADA = new StudentRegistered("s1", "Ada");

    @Test
    void aRegisteredStudentSubscribesToAnOpenCourse() {
        given(ALGEBRA, ADA).when(new SubscribeStudent("c1", "s1")).thenEvents(new StudentSubscribed("c1", "s1"));
    }

    @Test
    void theCourseMustExist() {
        given(ADA).when(new SubscribeStudent("c1", "s1")).thenRejected("course-not-found");
    }

    @Test
    void theStudentMustBeRegistered() {
        given(ALGEBRA).when(new SubscribeStudent("c1", "s1")).thenRejected("student-not-found");
    }

    @Test
    void theCourseMustBeOpen() {
        given(ALGEBRA, ADA, new CourseClosed("c1")).when(new SubscribeStudent("c1", "s1")).thenRejected("course-closed");
    }

    @Test
    void aStudentSubscribesOnce() {
        given(ALGEBRA, ADA, new StudentSubscribed("c1", "s1"))
                .when(new SubscribeStudent("c1", "s1"))
                .thenRejected("already-subscribed");
    }

    @Test
    void aFullCourseTakesNoOne() {
        given(ALGEBRA, ADA, new StudentSubscribed("c1", "s2"), new StudentSubscribed("c1", "s3"))
                .when(new SubscribeStudent("c1", "s1"))
                .thenRejected("course-full");
    }

    @Test
    void aSeatFreedByUnsubscribingOrMoreCapacityCanBeTaken() {
        given(ALGEBRA, ADA, new StudentSubscribed("c1", "s2"), new StudentSubscribed("c1", "s3"),
                new StudentUnsubscribed("c1", "s2"))
                .when(new SubscribeStudent("c1", "s1"))
                .thenEvents(new StudentSubscribed("c1", "s1"));
        given(ALGEBRA, ADA, new StudentSubscribed("c1", "s2"), new StudentSubscribed("c1", "s3"),
                new CourseCapacityChanged("c1", 3))
                .when(new SubscribeStudent("c1", "s1"))
                .thenEvents(new StudentSubscribed("c1", "s1"));
    }

    @Test
    void aStudentHasAtMostFiveSubscriptions() {
        given(ALGEBRA, ADA, new StudentSubscribed("k1", "s1"), new StudentSubscribed("k2", "s1"),
                new StudentSubscribed("k3", "s1"), new StudentSubscribed("k4", "s1"), new StudentSubscribed("k5", "s1"))
                .when(new SubscribeStudent("c1", "s1"))
                .thenRejected("subscription-limit");
        given(ALGEBRA, ADA, new StudentSubscribed("k1", "s1"), new StudentSubscribed("k2", "s1"),
                new StudentSubscribed("k3", "s1"), new StudentSubscribed("k4", "s1"), new StudentSubscribed("k5", "s1"),
                new StudentUnsubscribed("k5", "s1"))
                .when(new SubscribeStudent("c1", "s1"))
                .thenEvents(new StudentSubscribed("c1", "s1"));
    }
}
