package dev.pgevents.eventstore;

/** A null, empty or over-long tag, or a tag source of an unsupported type. */
public class InvalidTagException extends EventValidationException {

    private static final long serialVersionUID = 1L;

    public InvalidTagException(String message) {
        super(message);
    }
}
