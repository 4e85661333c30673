package dev.pgevents.eventstore;

/** An append without events, with null events, or with an invalid condition. */
public class InvalidAppendException extends EventValidationException {

    private static final long serialVersionUID = 1L;

    public InvalidAppendException(String message) {
        super(message);
    }

    public InvalidAppendException(String message, Throwable cause) {
        super(message, cause);
    }
}
