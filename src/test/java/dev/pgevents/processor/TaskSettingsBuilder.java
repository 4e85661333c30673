package dev.pgevents.processor;

import java.time.Duration;
import java.util.Optional;

/** Test settings: the defaults with fast, deterministic retries (no jitter) unless changed. */
final class TaskSettingsBuilder {

    private Duration pollInterval = Duration.ofMillis(50);
    private int concurrency = 4;
    private Duration leaseDuration = Duration.ofSeconds(30);
    private int maxAttempts = 5;
    private Duration backoffMin = Duration.ofSeconds(1);
    private Duration backoffMax = Duration.ofMinutes(5);
    private double backoffMultiplier = 2.0;
    private double jitter = 0;
    private Optional<Duration> deadline = Optional.empty();
    private Optional<Duration> retention = Optional.empty();

    TaskSettingsBuilder concurrency(int v) {
        concurrency = v;
        return this;
    }

    TaskSettingsBuilder leaseDuration(Duration v) {
        leaseDuration = v;
        return this;
    }

    TaskSettingsBuilder maxAttempts(int v) {
        maxAttempts = v;
        return this;
    }

    TaskSettingsBuilder backoff(Duration min, Duration max, double multiplier, double jitter) {
        backoffMin = min;
        backoffMax = max;
        backoffMultiplier = multiplier;
        this.jitter = jitter;
        return this;
    }

    TaskSettingsBuilder deadline(Duration v) {
        deadline = Optional.of(v);
        return this;
    }

    TaskSettingsBuilder retention(Duration v) {
        retention = Optional.of(v);
        return this;
    }

    TaskSettings build() {
        return new TaskSettings(true, pollInterval, concurrency, leaseDuration, maxAttempts, backoffMin, backoffMax,
                backoffMultiplier, jitter, deadline, retention);
    }
}
