package dev.pgevents.eventstore;

/** An appended event id already exists in the store. Nothing was appended. */
public class DuplicateEventIdException extends EventStoreException {

    private static final long serialVersionUID = 1L;

    public DuplicateEventIdException(String message, Throwable cause) {
        super(message, cause);
    }
}
