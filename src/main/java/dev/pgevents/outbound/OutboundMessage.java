package dev.pgevents.outbound;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A message to publish to Kafka: topic, key (may be null: the producer then spreads messages over
 * the partitions), value and headers (UTF-8 text).
 *
 * <p>Every published message carries the header {@value #MESSAGE_ID_HEADER}, the key by which
 * consumers drop duplicates (delivery is at least once). The caller gives it in the headers
 * (e.g. {@link #withMessageId}{@code (task.type() + "/" + task.triggeringPosition())}); without
 * it, it is derived from the content ({@link #messageId()}).
 */
public record OutboundMessage(String topic, String key, String value, Map<String, String> headers) {

    /** The header carrying the dedupe key. */
    public static final String MESSAGE_ID_HEADER = "pgevents-message-id";

    // Kafka's own rule for topic names
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    /**
     * @throws InvalidOutboundMessageException for a topic Kafka would refuse, a null value, or a
     *                                         header with a null name or value
     */
    public OutboundMessage {
        if (topic == null || !TOPIC.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
            throw new InvalidOutboundMessageException("a topic name is 1 to 249 letters, digits, '.', '_' or '-' (not '.' or '..'), got "
                    + (topic == null ? "none" : "'" + topic + "'"));
        }
        if (value == null) {
            throw new InvalidOutboundMessageException("the message for topic " + topic + " has no value");
        }
        if (headers == null) {
            headers = Map.of();
        } else {
            headers.forEach((name, text) -> {
                if (name == null || text == null) {
                    throw new InvalidOutboundMessageException("a header of the message for topic " + topic
                            + " has no name or no value");
                }
            });
            headers = Map.copyOf(headers);
        }
        String id = headers.get(MESSAGE_ID_HEADER);
        if (id != null && id.isBlank()) {
            throw new InvalidOutboundMessageException("the message id (header " + MESSAGE_ID_HEADER + ") is blank");
        }
    }

    /** A message without headers: its id is derived from the content. */
    public static OutboundMessage of(String topic, String key, String value) {
        return new OutboundMessage(topic, key, value, Map.of());
    }

    /** This message with the given dedupe key. */
    public OutboundMessage withMessageId(String messageId) {
        Map<String, String> h = new HashMap<>(headers);
        h.put(MESSAGE_ID_HEADER, messageId);
        return new OutboundMessage(topic, key, value, h);
    }

    /**
     * The dedupe key consumers see in {@value #MESSAGE_ID_HEADER}: the caller's, else
     * {@code sha256:} and the hex SHA-256 of topic, key and value. A republished message (a task's
     * retry) has the same derived id; so do two distinct messages with the same content: give
     * your own id when that can happen.
     */
    public String messageId() {
        String given = headers.get(MESSAGE_ID_HEADER);
        return given != null ? given : "sha256:" + HexFormat.of().formatHex(digest());
    }

    private byte[] digest() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {topic, key, value}) {
                // length-prefixed, so ("ab", "c") and ("a", "bc") differ; -1 for a null key
                byte[] bytes = part == null ? new byte[0] : part.getBytes(StandardCharsets.UTF_8);
                sha.update(ByteBuffer.allocate(4).putInt(part == null ? -1 : bytes.length).array());
                sha.update(bytes);
            }
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
