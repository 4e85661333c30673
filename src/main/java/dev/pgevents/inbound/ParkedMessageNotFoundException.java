package dev.pgevents.inbound;

/** No parked message with this id (never parked, or already retried or deleted). */
public class ParkedMessageNotFoundException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ParkedMessageNotFoundException(long id) {
        super("no parked inbound message with id " + id);
    }
}
