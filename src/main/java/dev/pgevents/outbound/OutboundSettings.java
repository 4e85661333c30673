package dev.pgevents.outbound;

import dev.pgevents.platform.Durations;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.eclipse.microprofile.config.Config;

/**
 * A publisher's settings (MicroProfile Config keys {@code pgevents.outbound.*}, see
 * docs/integration.md).
 *
 * @param bootstrapServers the brokers
 * @param timeout          the longest a publish waits for the broker's acknowledgement (also the
 *                         producer's {@code max.block.ms} and {@code delivery.timeout.ms})
 * @param kafka            further producer properties; {@code enable.idempotence} and {@code acks}
 *                         are the framework's
 */
public record OutboundSettings(String bootstrapServers, Duration timeout, Map<String, String> kafka) {

    private static final String PREFIX = "pgevents.outbound.";
    private static final String KAFKA_PREFIX = PREFIX + "kafka.";
    private static final long REQUEST_TIMEOUT_MAX_MS = 30_000;

    public OutboundSettings {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException(PREFIX + "bootstrap-servers names no broker");
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(PREFIX + "timeout must be positive, got " + timeout);
        }
        kafka = kafka == null ? Map.of() : Map.copyOf(kafka);
    }

    /** Reads {@code pgevents.outbound.bootstrap-servers}, {@code .timeout} (default 30s) and {@code .kafka.*}. */
    public static OutboundSettings read(Config config) {
        Map<String, String> kafka = new HashMap<>();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith(KAFKA_PREFIX)) {
                kafka.put(name.substring(KAFKA_PREFIX.length()), config.getValue(name, String.class));
            }
        }
        return new OutboundSettings(
                config.getOptionalValue(PREFIX + "bootstrap-servers", String.class).orElse("localhost:9092"),
                Durations.parse(config.getOptionalValue(PREFIX + "timeout", String.class).orElse("30s")),
                kafka);
    }

    /** The producer's properties: bounded waits, then the user's, then the framework's guarantees. */
    Map<String, Object> producerProperties(String clientId) {
        // as text, like the user's properties (Kafka refuses a Long where it expects an int)
        long timeoutMs = Math.min(Integer.MAX_VALUE, timeout.toMillis());
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        // a publish waits for its acknowledgement anyway: batching by waiting only adds latency
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeoutMs));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(timeoutMs));
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.min(REQUEST_TIMEOUT_MAX_MS, timeoutMs)));
        // One produce request at a time: with more, the first batch to a partition the broker has no
        // producer state for (a topic created moments before) can fail retriably while the next is
        // accepted; the first is then retried until the delivery timeout and dropped (KAFKA-15591,
        // fixed in the broker in Kafka 4.5; here 4 of 25 fresh topics with 8 publishing threads)
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        props.putAll(kafka);
        // no duplicates from the producer's own retries, and acknowledged by every in-sync replica
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return props;
    }
}
