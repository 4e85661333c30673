package dev.pgevents.inbound;

/** An operator's retry of a parked message failed again; the message stays parked with the new error. */
public class RetryFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RetryFailedException(long id, String error) {
        super("parked inbound message " + id + " failed again: " + error);
    }
}
