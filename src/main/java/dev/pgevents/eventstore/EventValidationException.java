package dev.pgevents.eventstore;

/** Bad input at the call site: nothing was read or written. */
public class EventValidationException extends EventStoreException {

    private static final long serialVersionUID = 1L;

    public EventValidationException(String message) {
        super(message);
    }

    public EventValidationException(String message, Throwable cause) {
        super(message, cause);
    }
}
