package dev.pgevents.inbound;

/**
 * A message could not be handled for a reason outside it (the database is down, a decision kept
 * conflicting): nothing was recorded, and the message must be handled again later.
 */
public class InboundUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InboundUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
