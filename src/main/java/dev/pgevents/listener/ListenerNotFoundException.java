package dev.pgevents.listener;

/** No listener (or parked event) with this id exists. */
public class ListenerNotFoundException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ListenerNotFoundException(String message) {
        super(message);
    }
}
