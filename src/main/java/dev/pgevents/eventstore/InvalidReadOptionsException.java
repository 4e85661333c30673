package dev.pgevents.eventstore;

/** Read options out of range (negative position or limit, upper bound below the lower one). */
public class InvalidReadOptionsException extends EventValidationException {

    private static final long serialVersionUID = 1L;

    public InvalidReadOptionsException(String message) {
        super(message);
    }
}
