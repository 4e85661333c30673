package dev.pgevents.subscription.client;

/**
 * One Server-Sent Events message.
 *
 * @param id    the {@code id:} field (for the event store's streams: the event's position), or null
 * @param event the {@code event:} field, {@code "message"} when absent
 * @param data  the {@code data:} lines joined with newlines
 */
public record SseMessage(String id, String event, String data) {
}
