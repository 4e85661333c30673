package dev.pgevents.inbound;

import java.time.Instant;
import java.util.Map;

/**
 * A dead letter: a message parked with the reason, kept raw ({@code value} is its text; invalid
 * UTF-8 shows as U+FFFD here but is stored unchanged and retried unchanged).
 */
public record ParkedMessage(long id, String translator, String consumerGroup, String topic, int partition,
                            long offset, String key, String value, Map<String, String> headers, String error,
                            int attempts, Instant parkedAt, Instant lastAttemptAt) {
}
