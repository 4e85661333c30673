package dev.pgevents.courses;

import static dev.pgevents.decision.testing.DecisionScenario.given;

import dev.pgevents.courses.CourseEvent.CourseDefined;
import dev.pgevents.courses.StudentEvent.StudentRegistered;
import dev.pgevents.courses.SubscriptionEvent.StudentSubscribed;
import dev.pgevents.courses.SubscriptionEvent.StudentUnsubscribed;
import org.junit.jupiter.api.Test;

class UnsubscribeStudentTest {

    private static final CourseDefined ALGEBRA = new CourseDefined("c1", "Algebra", 2);
    private static final StudentRegistered ADA = new StudentRegistered("s1", "Ada");

    @Test
    void aSubscribedStudentUnsubscribes() {
        given(ALGEBRA, ADA, new StudentSubscribed("c1", "s1"))
                .when(new UnsubscribeStudent("c1", "s1"))
                .thenEvents(new StudentUnsubscribed("c1", "s1"));
    }

    @Test
    void onlyASubscribedStudentCanUnsubscribe() {
        given(ALGEBRA, ADA).when(new UnsubscribeStudent("c1", "s1")).thenRejected("not-subscribed");
        given(ALGEBRA, ADA, new StudentSubscribed("c1", "s1"), new StudentUnsubscribed("c1", "s1"))
                .when(new UnsubscribeStudent("c1", "s1"))
                .thenRejected("not-subscribed");
    }

    @Test
    void theCourseAndTheStudentMustExist() {
        given(ADA).when(new UnsubscribeStudent("c1", "s1")).thenRejected("course-not-found");
        given(ALGEBRA).when(new UnsubscribeStudent("c1", "s1")).thenRejected("student-not-found");
    }
}
