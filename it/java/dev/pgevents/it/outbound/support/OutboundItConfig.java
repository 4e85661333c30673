package dev.pgevents.it.outbound.support;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Settings of the outbound test deployment: a topic of its own (the broker may be shared); the
 * publishing type polls often; the type whose broker is unreachable publishes with a 300 ms timeout
 * and retries quickly until a 3 s deadline (its attempts alone would last far longer).
 */
public class OutboundItConfig implements ConfigSource {

    public static final String TOPIC = "pgevents-it-outbound-" + UUID.randomUUID().toString().substring(0, 8);
    public static final long UNREACHABLE_TIMEOUT_MS = 300;
    public static final int UNREACHABLE_MAX_ATTEMPTS = 1000;

    static final Map<String, String> VALUES = Map.of(
            "pgevents.processor." + PublishingHandlers.PUBLISH + ".poll-interval", "200ms",
            "pgevents.processor." + PublishingHandlers.UNREACHABLE + ".poll-interval", "100ms",
            "pgevents.processor." + PublishingHandlers.UNREACHABLE + ".retry.max-attempts", Integer.toString(UNREACHABLE_MAX_ATTEMPTS),
            "pgevents.processor." + PublishingHandlers.UNREACHABLE + ".retry.backoff-min", "50ms",
            "pgevents.processor." + PublishingHandlers.UNREACHABLE + ".retry.backoff-max", "100ms",
            "pgevents.processor." + PublishingHandlers.UNREACHABLE + ".retry.deadline", "3s",
            "pgevents.outbound.timeout", "10s");

    @Override
    public Set<String> getPropertyNames() {
        return VALUES.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return VALUES.get(propertyName);
    }

    @Override
    public String getName() {
        return "outbound-it";
    }

    @Override
    public int getOrdinal() {
        return 500;
    }
}
