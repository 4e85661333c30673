package dev.pgevents.outbound;

/**
 * The broker did not acknowledge a message: it was down or unreachable within the timeout, refused
 * the message, or the publisher is closed. The message may still have reached the topic (an
 * acknowledgement lost on the way), so a retry can publish it twice: consumers drop the copy by its
 * {@link OutboundMessage#MESSAGE_ID_HEADER}. Thrown from a task handler, it fails the attempt and
 * the task is retried after its backoff.
 */
public class PublishFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String topic;

    public PublishFailedException(String topic, String message, Throwable cause) {
        super(message, cause);
        this.topic = topic;
    }

    /** The topic the message was for. */
    public String topic() {
        return topic;
    }
}
