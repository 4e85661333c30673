package dev.pgevents.listener;

/** An inline listener failed: the append fails with this exception and its transaction rolls back. */
public class InlineListenerException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InlineListenerException(String message, Throwable cause) {
        super(message, cause);
    }
}
