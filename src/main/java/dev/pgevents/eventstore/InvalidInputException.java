package dev.pgevents.eventstore;

/**
 * The caller's input cannot be used, whatever the database holds: a type name, tag, query, read
 * option, event class, payload or append the store refuses. The message says what, in the store's
 * terms; nothing was written. (An event id that already exists is an
 * {@link EventStoreAccessException} with SQLSTATE 23505: it conflicts with what is stored.)
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
