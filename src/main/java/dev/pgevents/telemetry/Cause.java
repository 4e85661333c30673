package dev.pgevents.telemetry;

/**
 * Where the work on this thread comes from: the correlation id shared by everything one request
 * (or message) set off, and the id of its direct cause (the HTTP command, or the event an
 * automation reacts to).
 */
public record Cause(String correlationId, String causationId) {
}
