package dev.pgevents.decision;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How often and how patiently the {@link DecisionMaker} retries a conflicting decision: at most
 * {@code maxAttempts} runs; before run n+1 it sleeps a random time between {@code minBackoff} and
 * {@code min(maxBackoff, minBackoff * 2^(n-1))} (exponential backoff with jitter).
 */
public record RetryPolicy(int maxAttempts, Duration minBackoff, Duration maxBackoff) {

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        }
        if (minBackoff == null || maxBackoff == null || minBackoff.isNegative() || maxBackoff.compareTo(minBackoff) < 0) {
            throw new IllegalArgumentException("need 0 <= minBackoff <= maxBackoff: " + minBackoff + ", " + maxBackoff);
        }
    }

    public static RetryPolicy defaults() {
        return new RetryPolicy(10, Duration.ofMillis(5), Duration.ofMillis(200));
    }

    /** The pause before the next run, after {@code failedAttempts} failed runs (>= 1). */
    public Duration backoff(int failedAttempts, RandomGenerator random) {
        long min = minBackoff.toNanos();
        long max = maxBackoff.toNanos();
        long base = Math.max(min, 1_000_000L); // grow from at least 1 ms when minBackoff is 0
        int shift = Math.min(Math.max(failedAttempts - 1, 0), 20);
        long ceiling = Math.min(max, base << shift);
        if (ceiling <= min) {
            return Duration.ofNanos(min);
        }
        return Duration.ofNanos(min + random.nextLong(ceiling - min + 1));
    }
}
