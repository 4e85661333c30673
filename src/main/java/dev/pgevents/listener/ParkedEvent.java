package dev.pgevents.listener;

import java.time.Instant;
import java.util.UUID;

/**
 * An event a listener gave up on after its last attempt (a dead letter), with the correlation and
 * causation ids of the event (null if it has none) to find the request that appended it.
 */
public record ParkedEvent(String listenerId, long position, UUID eventId, String type, String error, int attempts,
                          Instant parkedAt, String correlationId, String causationId) {
}
