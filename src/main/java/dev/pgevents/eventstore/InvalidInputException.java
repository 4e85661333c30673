package dev.pgevents.eventstore;

/**
 * The caller's input cannot be used, whatever the database holds: a type name, tag, query, read
 * option, event class, payload or append the store refuses, or an event id that already exists.
 * The message says what, in the store's terms; nothing was written.
 */
public final class InvalidInputException extends EventStoreException {

    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
