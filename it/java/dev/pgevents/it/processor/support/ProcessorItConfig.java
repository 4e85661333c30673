package dev.pgevents.it.processor.support;

import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Processor settings of the test deployment: the echo type polls only every 5 s (so only the
 * after-commit wake-up can make it fast); the failing type fails after 2 quick attempts; the
 * short-lived type's done tasks are deleted after 1 s.
 */
public class ProcessorItConfig implements ConfigSource {

    static final Map<String, String> VALUES = Map.of(
            "pgevents.processor.it-echo.poll-interval", "5s",
            "pgevents.processor.it-failing.poll-interval", "100ms",
            "pgevents.processor.it-failing.retry.max-attempts", "2",
            "pgevents.processor.it-failing.retry.backoff-min", "20ms",
            "pgevents.processor.it-failing.retry.backoff-max", "20ms",
            "pgevents.processor.it-short-lived.poll-interval", "100ms",
            "pgevents.processor.it-short-lived.retention", "1s");

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
        return "processor-it";
    }

    @Override
    public int getOrdinal() {
        return 500;
    }
}
