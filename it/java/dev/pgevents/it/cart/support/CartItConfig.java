package dev.pgevents.it.cart.support;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Settings of a cart test deployment: consumers refresh their metadata every second (so they find
 * the topics a test creates after they subscribed), short inbound backoff, and a quick processor.
 * Subclasses add settings of their own.
 */
public class CartItConfig implements ConfigSource {

    private final Map<String, String> values = new HashMap<>(Map.of(
            "pgevents.inbound.kafka.metadata.max.age.ms", "1000",
            "pgevents.inbound.backoff-min", "100ms",
            "pgevents.inbound.backoff-max", "1s",
            "pgevents.processor.publish-cart.poll-interval", "200ms",
            "pgevents.processor.publish-cart.retry.backoff-min", "100ms",
            "pgevents.processor.publish-cart.retry.backoff-max", "500ms"));

    protected CartItConfig(Map<String, String> more) {
        values.putAll(more);
    }

    public CartItConfig() {
        this(Map.of());
    }

    @Override
    public Set<String> getPropertyNames() {
        return values.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return values.get(propertyName);
    }

    @Override
    public String getName() {
        return getClass().getSimpleName();
    }

    @Override
    public int getOrdinal() {
        return 500;
    }
}
