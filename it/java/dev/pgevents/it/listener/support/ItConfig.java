package dev.pgevents.it.listener.support;

import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Listener settings of the test deployment: the JPA read model polls only every 5 s, so only the
 * wake-ups can make it fast; the failing listener stops after 2 quick attempts.
 */
public class ItConfig implements ConfigSource {

    static final Map<String, String> VALUES = Map.of(
            "pgevents.listener.it-counters.poll-interval", "5s",
            "pgevents.listener.it-bench.poll-interval", "5s",
            "pgevents.listener.it-failing.poll-interval", "200ms",
            "pgevents.listener.it-failing.retry.max-attempts", "2",
            "pgevents.listener.it-failing.retry.backoff-min", "10ms",
            "pgevents.listener.it-failing.retry.backoff-max", "20ms",
            "pgevents.listener.it-failing.on-failure", "STOP");

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
        return "listener-it";
    }

    @Override
    public int getOrdinal() {
        return 500;
    }
}
