package dev.pgevents.eventstore;

/**
 * What the event store throws, in the four kinds a caller tells apart: the caller's input is
 * invalid ({@link InvalidInputException}), the append condition failed
 * ({@link AppendConditionFailed}), the database failed or is unavailable, perhaps transiently
 * ({@link EventStoreAccessException}), or a stored event cannot be decoded
 * ({@link UndecodableEventException}).
 */
public abstract sealed class EventStoreException extends RuntimeException
        permits InvalidInputException, AppendConditionFailed, EventStoreAccessException, UndecodableEventException {

    private static final long serialVersionUID = 1L;

    protected EventStoreException(String message) {
        super(message);
    }

    protected EventStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
