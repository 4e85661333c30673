package dev.pgevents.cdc.cdi;

import dev.pgevents.cdc.CdcAdmin;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Always UP (the rest of the application works without CDC), and says whether CDC runs here:
 * {@code state} running, standby or unavailable, and for the last two the {@code reason}
 * (wal_level not logical, no REPLICATION attribute, slot lost, disabled). The reasons name no host.
 */
@Readiness
@ApplicationScoped
public class CdcReadiness implements HealthCheck {

    @Inject
    CdcRuntime runtime;

    @Override
    public HealthCheckResponse call() {
        CdcAdmin admin = runtime.admin();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("cdc").up().withData("state", admin.state());
        String reason = admin.reason();
        if (reason != null) {
            response.withData("reason", reason);
        }
        return response.build();
    }
}
