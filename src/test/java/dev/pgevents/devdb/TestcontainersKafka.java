package dev.pgevents.devdb;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/** A Kafka container for the test run, when a Docker engine answers. */
final class TestcontainersKafka {

    private TestcontainersKafka() {
    }

    static KafkaBroker startIfDockerAvailable() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            return null;
        }
        KafkaContainer container = new KafkaContainer("apache/kafka:4.1.1");
        container.start();
        // Stopped by Testcontainers' Ryuk when this JVM exits.
        return new KafkaBroker(container.getBootstrapServers(), "Testcontainers " + container.getDockerImageName());
    }
}
