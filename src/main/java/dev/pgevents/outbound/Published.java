package dev.pgevents.outbound;

/** Where the broker stored a message it acknowledged. */
public record Published(String topic, int partition, long offset) {
}
