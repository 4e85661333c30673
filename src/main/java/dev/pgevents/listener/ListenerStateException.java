package dev.pgevents.listener;

/** The operation does not fit the listener's current state (e.g. retrying a parked event that fails again). */
public class ListenerStateException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ListenerStateException(String message) {
        super(message);
    }

    public ListenerStateException(String message, Throwable cause) {
        super(message, cause);
    }
}
