package dev.pgevents.eventstore;

/** A query without items where items are required, or with null or invalid types or tags. */
public class InvalidQueryException extends EventValidationException {

    private static final long serialVersionUID = 1L;

    public InvalidQueryException(String message) {
        super(message);
    }
}
