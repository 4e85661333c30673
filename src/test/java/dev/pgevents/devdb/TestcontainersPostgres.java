package dev.pgevents.devdb;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

/** A PostgreSQL container for the test run, when a Docker engine answers. */
final class TestcontainersPostgres {

    private TestcontainersPostgres() {
    }

    static PostgresServer startIfDockerAvailable() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            return null;
        }
        PostgreSQLContainer<?> container = new PostgreSQLContainer<>("postgres:16-alpine")
                .withUsername("postgres").withPassword("postgres");
        container.start();
        // Stopped by Testcontainers' Ryuk when this JVM exits.
        return new PostgresServer(container.getHost(), container.getMappedPort(5432),
                "postgres", "postgres", "Testcontainers " + container.getDockerImageName());
    }
}
