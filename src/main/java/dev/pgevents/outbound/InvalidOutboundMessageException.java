package dev.pgevents.outbound;

/** A message that cannot be published as it is (bad topic name, no value, a header without a name or value). */
public class InvalidOutboundMessageException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public InvalidOutboundMessageException(String message) {
        super(message);
    }
}
