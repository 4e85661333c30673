package dev.pgevents.listener;

import java.time.Duration;

/** Listener settings for tests: the defaults with a 50 ms poll interval, changed one key at a time. */
final class ListenerSettingsBuilder {

    private final ListenerSettings d = ListenerSettings.defaults();
    private int batchSize = d.batchSize();
    private int maxAttempts = d.maxAttempts();
    private Duration backoffMin = d.backoffMin();
    private Duration backoffMax = d.backoffMax();
    private double backoffMultiplier = d.backoffMultiplier();
    private FailurePolicy onFailure = d.onFailure();
    private Duration leaseDuration = d.leaseDuration();

    ListenerSettingsBuilder batchSize(int size) {
        batchSize = size;
        return this;
    }

    ListenerSettingsBuilder retry(int attempts, Duration min, Duration max, double multiplier, FailurePolicy policy) {
        maxAttempts = attempts;
        backoffMin = min;
        backoffMax = max;
        backoffMultiplier = multiplier;
        onFailure = policy;
        return this;
    }

    ListenerSettingsBuilder leaseDuration(Duration lease) {
        leaseDuration = lease;
        return this;
    }

    ListenerSettings build() {
        return new ListenerSettings(true, Duration.ofMillis(50), batchSize, d.maxPassDuration(), maxAttempts, backoffMin,
                backoffMax, backoffMultiplier, onFailure, leaseDuration, Duration.ZERO);
    }
}
