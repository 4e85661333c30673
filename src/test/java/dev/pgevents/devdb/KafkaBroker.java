package dev.pgevents.devdb;

/** Where a Kafka broker answers ({@code bootstrap.servers}), and how it was found. */
public record KafkaBroker(String bootstrapServers, String origin) {

    @Override
    public String toString() {
        return bootstrapServers + " (" + origin + ")";
    }
}
