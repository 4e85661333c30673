package dev.pgevents.it.fault;

import java.time.Duration;

/** The pause between two polls of a condition that has a deadline; never a wait for an outcome by itself. */
final class Waits {

    private Waits() {
    }

    static void pause(Duration interval) {
        try {
            Thread.sleep(interval.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
