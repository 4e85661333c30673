package dev.pgevents.listener;

import dev.pgevents.platform.Durations;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The settings of one listener. Each key is looked up as {@code pgevents.listener.<id>.<key>},
 * then {@code pgevents.listener.<key>}, then the default (see docs/listeners.md):
 *
 * <table>
 *   <tr><td>enabled</td><td>true</td><td>false: the engine does not run the listener on this node</td></tr>
 *   <tr><td>poll-interval</td><td>1s</td><td>the fallback timer; wake-ups make it fast</td></tr>
 *   <tr><td>batch-size</td><td>500</td><td>events per transaction</td></tr>
 *   <tr><td>max-pass-duration</td><td>5s</td><td>one pass of the engine yields after this long</td></tr>
 *   <tr><td>retry.max-attempts</td><td>5</td><td>attempts of a failing event before it is parked</td></tr>
 *   <tr><td>retry.backoff-min</td><td>1s</td><td>delay before the second attempt</td></tr>
 *   <tr><td>retry.backoff-max</td><td>5m</td><td>longest delay between attempts</td></tr>
 *   <tr><td>retry.backoff-multiplier</td><td>2.0</td><td>delay growth per attempt</td></tr>
 *   <tr><td>on-failure</td><td>PARK</td><td>PARK (go on) or STOP after the last attempt</td></tr>
 *   <tr><td>lease-duration</td><td>15s</td><td>how long a node owns a listener without renewing</td></tr>
 *   <tr><td>wake-delay</td><td>20ms</td><td>how long a pass woken by a commit waits first, so that it carries
 *       the commits of that window: fewer, larger passes under load, the read model that much later</td></tr>
 * </table>
 * Durations accept {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}, ISO-8601 ({@code PT5S}) or
 * plain milliseconds.
 */
public record ListenerSettings(boolean enabled, Duration pollInterval, int batchSize, Duration maxPassDuration,
                               int maxAttempts, Duration backoffMin, Duration backoffMax, double backoffMultiplier,
                               FailurePolicy onFailure, Duration leaseDuration, Duration wakeDelay) {

    public static final String PREFIX = "pgevents.listener.";

    public ListenerSettings {
        require(pollInterval.toMillis() >= 1, "poll-interval must be at least 1 ms");
        require(batchSize >= 1 && batchSize <= 100_000, "batch-size must be within 1..100000");
        require(!maxPassDuration.isNegative() && !maxPassDuration.isZero(), "max-pass-duration must be positive");
        require(maxAttempts >= 1, "retry.max-attempts must be at least 1");
        require(!backoffMin.isNegative() && backoffMax.compareTo(backoffMin) >= 0,
                "retry.backoff-min must be >= 0 and <= retry.backoff-max");
        require(backoffMultiplier >= 1.0, "retry.backoff-multiplier must be >= 1");
        require(leaseDuration.toMillis() >= 100, "lease-duration must be at least 100 ms");
        require(!wakeDelay.isNegative(), "wake-delay must not be negative");
    }

    public static ListenerSettings defaults() {
        return new ListenerSettings(true, Duration.ofSeconds(1), 500, Duration.ofSeconds(5), 5, Duration.ofSeconds(1),
                Duration.ofMinutes(5), 2.0, FailurePolicy.PARK, Duration.ofSeconds(15), Duration.ofMillis(20));
    }

    /** Resolves the settings of a listener from a property lookup (MicroProfile Config in the application). */
    public static ListenerSettings resolve(String listenerId, Function<String, Optional<String>> lookup) {
        ListenerSettings d = defaults();
        Lookup l = new Lookup(listenerId, lookup);
        return new ListenerSettings(
                Boolean.parseBoolean(l.get("enabled").orElse(Boolean.toString(d.enabled))),
                l.get("poll-interval").map(Durations::parse).orElse(d.pollInterval),
                l.get("batch-size").map(Integer::parseInt).orElse(d.batchSize),
                l.get("max-pass-duration").map(Durations::parse).orElse(d.maxPassDuration),
                l.get("retry.max-attempts").map(Integer::parseInt).orElse(d.maxAttempts),
                l.get("retry.backoff-min").map(Durations::parse).orElse(d.backoffMin),
                l.get("retry.backoff-max").map(Durations::parse).orElse(d.backoffMax),
                l.get("retry.backoff-multiplier").map(Double::parseDouble).orElse(d.backoffMultiplier),
                l.get("on-failure").map(v -> FailurePolicy.valueOf(v.trim().toUpperCase(Locale.ROOT))).orElse(d.onFailure),
                l.get("lease-duration").map(Durations::parse).orElse(d.leaseDuration),
                l.get("wake-delay").map(Durations::parse).orElse(d.wakeDelay));
    }

    /** The delay before attempt {@code failedAttempts + 1}: min * multiplier^(failedAttempts-1), capped at max. */
    public Duration backoff(int failedAttempts) {
        double millis = backoffMin.toMillis() * Math.pow(backoffMultiplier, Math.max(0, failedAttempts - 1));
        return millis >= backoffMax.toMillis() ? backoffMax : Duration.ofMillis((long) millis);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    private record Lookup(String id, Function<String, Optional<String>> lookup) {
        Optional<String> get(String key) {
            Optional<String> own = lookup.apply(PREFIX + id + "." + key).filter(s -> !s.isBlank());
            return own.isPresent() ? own : lookup.apply(PREFIX + key).filter(s -> !s.isBlank());
        }
    }
}
