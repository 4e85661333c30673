package dev.pgevents.decision;

/**
 * A domain rule said no. Not retried; nothing is appended. Subclass it for typed rejections, or
 * use the reason code.
 */
public class DecisionRejected extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String reason;

    public DecisionRejected(String reason) {
        this(reason, reason);
    }

    public DecisionRejected(String reason, String message) {
        super(message);
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a rejection needs a reason");
        }
        this.reason = reason;
    }

    /** A stable code, e.g. {@code course-full}. */
    public String reason() {
        return reason;
    }
}
