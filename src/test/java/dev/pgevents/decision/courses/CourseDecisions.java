package dev.pgevents.decision.courses;

import dev.pgevents.decision.Decision;
import dev.pgevents.decision.DecisionRejected;
import dev.pgevents.decision.State;
import dev.pgevents.decision.States;
import dev.pgevents.decision.courses.CourseEvent.CapacityIncreased;
import dev.pgevents.decision.courses.CourseEvent.CourseDefined;
import dev.pgevents.decision.courses.CourseEvent.StudentSubscribed;
import dev.pgevents.eventstore.Event;
import java.util.List;
import java.util.UUID;

/** The decisions of the test domain. */
public final class CourseDecisions {

    public static final int MAX_COURSES_PER_STUDENT = 3;

    private CourseDecisions() {
    }

    /** A typed rejection. */
    public static final class CourseFull extends DecisionRejected {
        private static final long serialVersionUID = 1L;

        public CourseFull(String courseId) {
            super("course-full", "course " + courseId + " is full");
        }
    }

    public record DefineCourse(String courseId, int capacity) implements Decision {
        @Override
        public List<State<?>> initialStates() {
            return List.of(CourseState.initial(courseId));
        }

        @Override
        public List<? extends Event> process(States states) {
            if (states.get(CourseState.class).exists()) {
                throw new DecisionRejected("course-exists", "course " + courseId + " already exists");
            }
            if (capacity < 1) {
                throw new DecisionRejected("invalid-capacity");
            }
            return List.of(new CourseDefined(courseId, capacity));
        }
    }

    /** Multi-state: the course's capacity and the student's course limit. */
    public record Subscribe(String courseId, String studentId) implements Decision {
        @Override
        public List<State<?>> initialStates() {
            return List.of(CourseState.initial(courseId), StudentState.initial(studentId));
        }

        @Override
        public List<? extends Event> process(States states) {
            CourseState course = states.get(CourseState.class);
            StudentState student = states.get(StudentState.class);
            if (!course.exists()) {
                throw new DecisionRejected("course-not-found");
            }
            if (course.students().contains(studentId)) {
                throw new DecisionRejected("already-subscribed");
            }
            if (course.full()) {
                throw new CourseFull(courseId);
            }
            if (student.courses() >= MAX_COURSES_PER_STUDENT) {
                throw new DecisionRejected("student-limit");
            }
            return List.of(new StudentSubscribed(courseId, studentId));
        }
    }

    /**
     * Idempotent: grants seats because of a triggering event; a repeat with the same trigger id
     * (at-least-once delivery) appends nothing.
     */
    public record GrantSeats(String courseId, int seats, UUID trigger) implements Decision {
        @Override
        public List<State<?>> initialStates() {
            return List.of(CourseState.initial(courseId));
        }

        @Override
        public List<? extends Event> process(States states) {
            CourseState course = states.get(CourseState.class);
            if (course.handledTriggers().contains(trigger)) {
                return List.of();
            }
            if (!course.exists()) {
                throw new DecisionRejected("course-not-found");
            }
            return List.of(new CapacityIncreased(courseId, seats, trigger));
        }
    }
}
