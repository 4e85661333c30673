package dev.pgevents.subscription;

import dev.pgevents.platform.Durations;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * Settings of the live streams (MicroProfile Config, {@value #PREFIX}...; environment variables
 * work too, e.g. {@code PGEVENTS_SUBSCRIPTION_HEARTBEAT}):
 *
 * @param bufferEvents  messages waiting for one client before it is cut off as too slow
 * @param heartbeat     interval of the SSE comment sent to an idle client (and how a closed one is noticed)
 * @param pollInterval  fallback read of the store when no wake-up came (appends on other nodes)
 * @param pageSize      events per read of the store
 * @param writerThreads threads that write to every client (never one per client)
 * @param cutOffGrace   how long a cut-off client has to read the message saying why before the
 *                      connection is closed regardless
 */
public record SubscriptionSettings(int bufferEvents, Duration heartbeat, Duration pollInterval, int pageSize,
                                   int writerThreads, Duration cutOffGrace) {

    public static final String PREFIX = "pgevents.subscription.";

    public SubscriptionSettings {
        if (bufferEvents < 1 || pageSize < 1 || writerThreads < 1) {
            throw new IllegalArgumentException(PREFIX + "buffer-events, page-size and writer-threads must be at least 1");
        }
        if (heartbeat.isNegative() || heartbeat.isZero() || pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException(PREFIX + "heartbeat and poll-interval must be positive");
        }
    }

    public static SubscriptionSettings defaults() {
        return new SubscriptionSettings(1000, Duration.ofSeconds(15), Duration.ofSeconds(1), 500, 4, Duration.ofSeconds(5));
    }

    /** The settings named by {@code lookup} (a config key to its value), defaults for the rest. */
    public static SubscriptionSettings resolve(Function<String, Optional<String>> lookup) {
        SubscriptionSettings d = defaults();
        return new SubscriptionSettings(
                lookup.apply(PREFIX + "buffer-events").map(v -> integer("buffer-events", v)).orElse(d.bufferEvents()),
                lookup.apply(PREFIX + "heartbeat").map(Durations::parse).orElse(d.heartbeat()),
                lookup.apply(PREFIX + "poll-interval").map(Durations::parse).orElse(d.pollInterval()),
                lookup.apply(PREFIX + "page-size").map(v -> integer("page-size", v)).orElse(d.pageSize()),
                lookup.apply(PREFIX + "writer-threads").map(v -> integer("writer-threads", v)).orElse(d.writerThreads()),
                lookup.apply(PREFIX + "cut-off-grace").map(Durations::parse).orElse(d.cutOffGrace()));
    }

    private static int integer(String key, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PREFIX + key + " must be an integer: " + value);
        }
    }
}
