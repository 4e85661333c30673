package dev.pgevents.courses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pgevents.courses.CourseEvent.CourseCapacityChanged;
import dev.pgevents.courses.CourseEvent.CourseClosed;
import dev.pgevents.courses.CourseEvent.CourseDefined;
import dev.pgevents.courses.CourseEvent.CourseRenamed;
import dev.pgevents.courses.StudentEvent.StudentRegistered;
import dev.pgevents.courses.SubscriptionEvent.StudentSubscribed;
import dev.pgevents.courses.SubscriptionEvent.StudentUnsubscribed;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Every event of the domain refuses values the read models and decisions could not take. */
class EventRulesTest {

    @Test
    void aCourseDefinitionNeedsAnIdANameAndACapacity() {
        refused("courseId is required", () -> new CourseDefined(null, "A", 1));
        refused("courseId must be 1 to 64", () -> new CourseDefined("bad id", "A", 1));
        refused("courseId must be 1 to 64", () -> new CourseDefined("", "A", 1));
        refused("courseId must be 1 to 64", () -> new CourseDefined("..", "A", 1));
        refused("courseId must be 1 to 64", () -> new CourseDefined(".", "A", 1));
        refused("courseId must be 1 to 64", () -> new CourseDefined("x".repeat(65), "A", 1));
        refused("name is required", () -> new CourseDefined("c1", null, 1));
        refused("name must be 1 to 200", () -> new CourseDefined("c1", " ", 1));
        refused("name must be 1 to 200", () -> new CourseDefined("c1", "n".repeat(201), 1));
        refused("name must not contain control characters", () -> new CourseDefined("c1", "a\nb", 1));
        refused("name must not contain unpaired", () -> new CourseDefined("c1", "a\ud800", 1));
        refused("capacity must be between 1 and 1000", () -> new CourseDefined("c1", "A", 0));
        refused("capacity must be between 1 and 1000", () -> new CourseDefined("c1", "A", 1001));
        assertEquals("c.1", new CourseDefined("c.1", "A \ud83d\ude00", 1000).courseId());
    }

    @Test
    void everyOtherEventAppliesTheSameRules() {
        refused("name is required", () -> new CourseRenamed("c1", null));
        refused("courseId is required", () -> new CourseRenamed(null, "A"));
        refused("capacity must be between", () -> new CourseCapacityChanged("c1", -3));
        refused("courseId must be 1 to 64", () -> new CourseCapacityChanged("a/b", 3));
        refused("courseId is required", () -> new CourseClosed(null));
        refused("studentId is required", () -> new StudentRegistered(null, "Ada"));
        refused("name must be 1 to 200", () -> new StudentRegistered("s1", ""));
        refused("studentId must be 1 to 64", () -> new StudentSubscribed("c1", "s 1"));
        refused("courseId is required", () -> new StudentSubscribed(null, "s1"));
        refused("studentId is required", () -> new StudentUnsubscribed("c1", null));
        refused("courseId must be 1 to 64", () -> new StudentUnsubscribed("..", "s1"));
    }

    private static void refused(String message, Supplier<?> construction) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, construction::get);
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }
}
