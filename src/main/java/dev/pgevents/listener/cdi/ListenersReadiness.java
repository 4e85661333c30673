package dev.pgevents.listener.cdi;

import dev.pgevents.listener.ListenerTables;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * DOWN while a listener of this application has stopped on an error (status FAILED). Readiness is
 * public: each stopped listener is named with one word, {@code failed}; its error (SQL, row
 * values, class names) is for operators, in the log and behind the admin API.
 */
@Readiness
@ApplicationScoped
public class ListenersReadiness implements HealthCheck {

    @Resource(lookup = "jdbc/pgevents-nontx")
    DataSource dataSource;

    @Inject
    ListenerRuntime runtime;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("listeners");
        List<String> ids = new ArrayList<>(runtime.engine().ids());
        if (ids.isEmpty()) {
            return response.up().withData("listeners", 0).build();
        }
        try (Connection c = dataSource.getConnection()) {
            List<String> stopped = ListenerTables.stopped(c, ids);
            for (String id : stopped) {
                response.withData(id, "failed");
            }
            return (stopped.isEmpty() ? response.up() : response.down()).withData("listeners", ids.size()).build();
        } catch (SQLException | RuntimeException e) {
            // the database check reports an unreachable database; this one reports listeners only
            // (its message would name host and port: one word here)
            return response.up().withData("listeners", ids.size()).withData("status", "unknown").build();
        }
    }
}
