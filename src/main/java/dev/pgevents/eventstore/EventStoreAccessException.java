package dev.pgevents.eventstore;

import java.sql.SQLException;

/** A database error, with its SQLSTATE. {@link #isTransient()} for deadlocks, serialization failures and lock timeouts. */
public final class EventStoreAccessException extends EventStoreException {

    private static final long serialVersionUID = 1L;

    /** deadlock_detected */
    public static final String DEADLOCK = "40P01";
    /** serialization_failure */
    public static final String SERIALIZATION_FAILURE = "40001";
    /** lock_not_available: a lock_timeout expired */
    public static final String LOCK_NOT_AVAILABLE = "55P03";

    private final String sqlState;

    public EventStoreAccessException(String message, SQLException cause) {
        this(message + ": " + cause.getMessage(), cause.getSQLState(), cause);
    }

    private EventStoreAccessException(String fullMessage, String sqlState, SQLException cause) {
        // no code to show when the cause is not PostgreSQL's (a lost answer, a driver failure)
        super(sqlState == null ? fullMessage : fullMessage + " [SQLSTATE " + sqlState + "]", cause);
        this.sqlState = sqlState;
    }

    /** With a message that says all (the driver's message stays in the cause); the SQLSTATE, if any, is appended. */
    public static EventStoreAccessException explained(String message, SQLException cause) {
        return new EventStoreAccessException(message, cause.getSQLState(), cause);
    }

    public String sqlState() {
        return sqlState;
    }

    /** True for errors a retry of the whole transaction can cure: deadlock, serialization failure, lock timeout. */
    public boolean isTransient() {
        return DEADLOCK.equals(sqlState) || SERIALIZATION_FAILURE.equals(sqlState) || LOCK_NOT_AVAILABLE.equals(sqlState);
    }
}
