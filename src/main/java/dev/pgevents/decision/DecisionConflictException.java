package dev.pgevents.decision;

/**
 * The decision kept conflicting with concurrent writers (append condition failed, deadlock or
 * serialization failure) and the maker gave up after {@link #attempts()} attempts.
 */
public class DecisionConflictException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int attempts;

    public DecisionConflictException(String decision, int attempts, Throwable lastConflict) {
        super("decision " + decision + " still conflicted after " + attempts + " attempts: "
                + (lastConflict == null ? "" : lastConflict.getMessage()), lastConflict);
        this.attempts = attempts;
    }

    public int attempts() {
        return attempts;
    }
}
