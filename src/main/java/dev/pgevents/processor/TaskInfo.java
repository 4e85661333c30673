package dev.pgevents.processor;

import java.time.Instant;

/** A task as the admin API shows it. */
public record TaskInfo(long id, String type, String arguments, long triggeringPosition, TaskStatus status,
                       int attempts, Instant runAt, String claimedBy, Instant leaseUntil, String lastError,
                       Instant lastErrorAt, Instant enqueuedAt, Instant finishedAt) {
}
