package dev.pgevents.eventstore;

/** An event class that was not registered with the EventTypeRegistry. */
public class UnregisteredEventClassException extends EventValidationException {

    private static final long serialVersionUID = 1L;

    public UnregisteredEventClassException(String message) {
        super(message);
    }
}
