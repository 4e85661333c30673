package dev.pgevents.listener;

import java.time.Instant;

/**
 * A listener as the admin API shows it.
 *
 * @param position      last handled position (checkpoint)
 * @param headPosition  the safe position of the store: every event at or below it is committed
 * @param lag           headPosition - position (positions, not a count of matching events)
 * @param errorPosition the event being retried, or null
 * @param registered    true when this node runs a listener with this id
 */
public record ListenerInfo(String id, long position, long headPosition, long lag, ListenerStatus status,
                           String lastError, Instant lastErrorAt, Long errorPosition, int attempts, Instant retryAt,
                           String leaseOwner, Instant leaseUntil, long parked, boolean registered) {
}
