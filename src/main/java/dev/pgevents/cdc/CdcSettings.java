package dev.pgevents.cdc;

import java.time.Duration;

/**
 * Settings of the CDC reader (MicroProfile Config {@code pgevents.cdc.*}, docs/cdc.md).
 *
 * @param slot           the logical replication slot (durable, created when missing)
 * @param publication    the publication of the watched tables (created or extended when needed)
 * @param maxAttempts    attempts of a source transaction per operator before the operator stops
 * @param backoffMin     pause after the first failed attempt, doubled after each further one
 * @param backoffMax     longest pause between attempts (keep it well below the server's
 *                       wal_sender_timeout, 60 s by default: the stream is not read meanwhile)
 * @param retryInterval  how often a standby node tries to take the slot over, and a node whose
 *                       database or settings do not allow CDC checks again
 * @param statusInterval how often the reader tells the server what it has handled
 */
public record CdcSettings(String slot, String publication, int maxAttempts, Duration backoffMin, Duration backoffMax,
                          Duration retryInterval, Duration statusInterval) {

    public static final String DEFAULT_NAME = "pgevents_cdc";

    public CdcSettings {
        for (String name : new String[] {slot, publication}) {
            if (name == null || !name.matches("[a-z_][a-z0-9_]{0,62}")) {
                throw new IllegalArgumentException("a slot or publication name is 1 to 63 lower-case letters, digits and '_': " + name);
            }
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("pgevents.cdc.retry.max-attempts must be at least 1");
        }
    }

    public static CdcSettings defaults() {
        return new CdcSettings(DEFAULT_NAME, DEFAULT_NAME, 5, Duration.ofMillis(200), Duration.ofSeconds(10),
                Duration.ofSeconds(3), Duration.ofSeconds(1));
    }

    public CdcSettings withSlot(String newSlot, String newPublication) {
        return new CdcSettings(newSlot, newPublication, maxAttempts, backoffMin, backoffMax, retryInterval, statusInterval);
    }

    public CdcSettings withRetries(int attempts, Duration min, Duration max) {
        return new CdcSettings(slot, publication, attempts, min, max, retryInterval, statusInterval);
    }

    public CdcSettings withIntervals(Duration retry, Duration status) {
        return new CdcSettings(slot, publication, maxAttempts, backoffMin, backoffMax, retry, status);
    }
}
