package dev.pgevents.processor;

/** An enqueue with a bad type, arguments that are not JSON, or a negative position. */
public class InvalidTaskException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public InvalidTaskException(String message) {
        super(message);
    }
}
