package dev.pgevents.inbound;

/** A message that cannot become a command: not JSON, or not of the shape its translator expects. */
public class InvalidMessageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InvalidMessageException(String message) {
        super(message);
    }
}
