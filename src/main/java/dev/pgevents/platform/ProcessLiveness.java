package dev.pgevents.platform;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Alive while the application answers. A database outage makes the server unready, not dead:
 * restarting it would not bring PostgreSQL back.
 */
@Liveness
@ApplicationScoped
public class ProcessLiveness implements HealthCheck {

    @Override
    public HealthCheckResponse call() {
        Runtime rt = Runtime.getRuntime();
        return HealthCheckResponse.named("process").up()
                .withData("heapUsedMiB", (rt.totalMemory() - rt.freeMemory()) / (1024 * 1024))
                .build();
    }
}
