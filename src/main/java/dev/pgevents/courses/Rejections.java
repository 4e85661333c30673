package dev.pgevents.courses;

import dev.pgevents.decision.DecisionRejected;

/** The ways a courses command says no: a missing course or student (404), or a broken rule (409). */
public final class Rejections {

    private Rejections() {
    }

    /** The command names a course or student that does not exist. */
    public static final class NotFound extends DecisionRejected {
        private static final long serialVersionUID = 1L;

        public NotFound(String reason, String message) {
            super(reason, message);
        }
    }

    /** A business rule forbids the command; the reason is a stable code, the message says which rule. */
    public static DecisionRejected rule(String reason, String message) {
        return new DecisionRejected(reason, message);
    }
}
