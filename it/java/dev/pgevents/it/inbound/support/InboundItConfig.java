package dev.pgevents.it.inbound.support;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Settings of the inbound test deployment: a topic of its own per deployment (the broker may be
 * shared), metadata refreshed every second so the consumer finds the topic the test creates, and
 * a short backoff.
 */
public class InboundItConfig implements ConfigSource {

    public static final String TOPIC = "pgevents-it-stock-" + UUID.randomUUID().toString().substring(0, 8);

    static final Map<String, String> VALUES = Map.of(
            "pgevents.inbound.kafka.metadata.max.age.ms", "1000",
            "pgevents.inbound.backoff-min", "100ms",
            "pgevents.inbound.backoff-max", "1s");

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
        return "inbound-it";
    }

    @Override
    public int getOrdinal() {
        return 500;
    }
}
