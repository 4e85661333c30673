package dev.pgevents.listener.cdi;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** DOWN while a listener of this application has stopped on an error (status FAILED). */
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
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT listener_id, error_position, last_error FROM es_listener"
                     + " WHERE status = 'FAILED' AND listener_id = ANY (?) ORDER BY listener_id")) {
            ps.setArray(1, c.createArrayOf("text", ids.toArray()));
            boolean failed = false;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    failed = true;
                    String error = rs.getString(3);
                    int nl = error == null ? -1 : error.indexOf('\n');
                    response.withData(rs.getString(1), "stopped at position " + rs.getLong(2) + ": "
                            + (nl < 0 ? error : error.substring(0, nl)));
                }
            }
            return (failed ? response.down() : response.up()).withData("listeners", ids.size()).build();
        } catch (SQLException | RuntimeException e) {
            // the database check reports an unreachable database; this one reports listeners only
            return response.up().withData("listeners", ids.size()).withData("unknown", String.valueOf(e.getMessage()))
                    .build();
        }
    }
}
