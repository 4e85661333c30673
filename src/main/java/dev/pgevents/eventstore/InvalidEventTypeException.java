package dev.pgevents.eventstore;

/** A null, empty or over-long type name, or a class that cannot be an event type (not a record, duplicate name). */
public class InvalidEventTypeException extends EventValidationException {

    private static final long serialVersionUID = 1L;

    public InvalidEventTypeException(String message) {
        super(message);
    }
}
