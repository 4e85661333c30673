package dev.pgevents.processor;

import dev.pgevents.platform.Durations;
import java.time.Duration;
import java.util.Optional;
import java.util.function.DoubleSupplier;
import java.util.function.Function;

/**
 * The settings of one task type. Each key is looked up as {@code pgevents.processor.<type>.<key>},
 * then {@code pgevents.processor.<key>}, then the default (see docs/processors.md):
 *
 * <table>
 *   <tr><td>enabled</td><td>true</td><td>false: this node does not run tasks of the type</td></tr>
 *   <tr><td>poll-interval</td><td>1s</td><td>how often a node looks for due tasks (enqueues on this node wake it at once)</td></tr>
 *   <tr><td>concurrency</td><td>4</td><td>tasks of the type running at once on one node</td></tr>
 *   <tr><td>lease-duration</td><td>30s</td><td>how long a claim holds without renewal (renewed while the handler runs)</td></tr>
 *   <tr><td>retry.max-attempts</td><td>5</td><td>attempts before the task fails for good</td></tr>
 *   <tr><td>retry.backoff-min</td><td>1s</td><td>delay before the second attempt</td></tr>
 *   <tr><td>retry.backoff-max</td><td>5m</td><td>longest delay</td></tr>
 *   <tr><td>retry.backoff-multiplier</td><td>2.0</td><td>growth per attempt</td></tr>
 *   <tr><td>retry.jitter</td><td>0.2</td><td>each delay is shortened by a random share of up to this much</td></tr>
 *   <tr><td>retry.deadline</td><td>none</td><td>no attempt starts later than this after the enqueue</td></tr>
 *   <tr><td>retention</td><td>none</td><td>DONE tasks are deleted this long after they finished; {@code none} keeps them (the default: a deleted task's (type, position) can be enqueued again by a replay)</td></tr>
 * </table>
 * Durations as in the listener settings: {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h},
 * {@code PT5S} or milliseconds.
 */
public record TaskSettings(boolean enabled, Duration pollInterval, int concurrency, Duration leaseDuration,
                           int maxAttempts, Duration backoffMin, Duration backoffMax, double backoffMultiplier,
                           double jitter, Optional<Duration> deadline, Optional<Duration> retention) {

    public static final String PREFIX = "pgevents.processor.";

    public TaskSettings {
        require(pollInterval.toMillis() >= 1, "poll-interval must be at least 1 ms");
        require(concurrency >= 1 && concurrency <= 1000, "concurrency must be within 1..1000");
        require(leaseDuration.toMillis() >= 100, "lease-duration must be at least 100 ms");
        require(maxAttempts >= 1, "retry.max-attempts must be at least 1");
        require(!backoffMin.isNegative() && backoffMax.compareTo(backoffMin) >= 0,
                "retry.backoff-min must be >= 0 and <= retry.backoff-max");
        require(backoffMultiplier >= 1.0, "retry.backoff-multiplier must be >= 1");
        require(jitter >= 0 && jitter <= 1, "retry.jitter must be within 0..1");
        require(deadline.map(d -> d.toMillis() >= 1).orElse(true), "retry.deadline must be positive");
        require(retention.map(d -> d.toMillis() >= 1).orElse(true), "retention must be positive (or none)");
    }

    public static TaskSettings defaults() {
        return new TaskSettings(true, Duration.ofSeconds(1), 4, Duration.ofSeconds(30), 5, Duration.ofSeconds(1),
                Duration.ofMinutes(5), 2.0, 0.2, Optional.empty(), Optional.empty());
    }

    /** Resolves the settings of a task type from a property lookup (MicroProfile Config in the application). */
    public static TaskSettings resolve(String type, Function<String, Optional<String>> lookup) {
        TaskSettings d = defaults();
        Function<String, Optional<String>> get = key -> {
            Optional<String> own = lookup.apply(PREFIX + type + "." + key).filter(s -> !s.isBlank());
            return own.isPresent() ? own : lookup.apply(PREFIX + key).filter(s -> !s.isBlank());
        };
        return new TaskSettings(
                get.apply("enabled").map(v -> Boolean.parseBoolean(v.trim())).orElse(d.enabled),
                get.apply("poll-interval").map(Durations::parse).orElse(d.pollInterval),
                get.apply("concurrency").map(v -> Integer.parseInt(v.trim())).orElse(d.concurrency),
                get.apply("lease-duration").map(Durations::parse).orElse(d.leaseDuration),
                get.apply("retry.max-attempts").map(v -> Integer.parseInt(v.trim())).orElse(d.maxAttempts),
                get.apply("retry.backoff-min").map(Durations::parse).orElse(d.backoffMin),
                get.apply("retry.backoff-max").map(Durations::parse).orElse(d.backoffMax),
                get.apply("retry.backoff-multiplier").map(v -> Double.parseDouble(v.trim())).orElse(d.backoffMultiplier),
                get.apply("retry.jitter").map(v -> Double.parseDouble(v.trim())).orElse(d.jitter),
                get.apply("retry.deadline").map(Durations::parse).or(() -> d.deadline),
                get.apply("retention").map(v -> v.trim().equalsIgnoreCase("none") ? Optional.<Duration>empty()
                        : Optional.of(Durations.parse(v))).orElse(d.retention));
    }

    /**
     * The delay before attempt {@code failedAttempts + 1}: min * multiplier^(failedAttempts-1),
     * capped at max, then shortened by {@code jitter * random} of itself (random in [0, 1)), so
     * tasks that failed together do not all come back at once.
     */
    public Duration backoff(int failedAttempts, DoubleSupplier random) {
        double base = Math.min(backoffMax.toMillis(),
                backoffMin.toMillis() * Math.pow(backoffMultiplier, Math.max(0, failedAttempts - 1)));
        return Duration.ofMillis(Math.round(base * (1 - jitter * random.getAsDouble())));
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
