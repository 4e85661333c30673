package dev.pgevents.platform;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready when PostgreSQL answers on the application's datasource; DOWN says why not. */
@Readiness
@ApplicationScoped
public class DatabaseReadiness implements HealthCheck {

    private static final int VALIDATION_TIMEOUT_SECONDS = 3;

    @Resource(lookup = "jdbc/pgevents-nontx")
    DataSource dataSource;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("database");
        try (Connection c = dataSource.getConnection()) {
            if (!c.isValid(VALIDATION_TIMEOUT_SECONDS)) {
                return response.down().withData("reason", "connection did not validate within "
                        + VALIDATION_TIMEOUT_SECONDS + " s").build();
            }
            var meta = c.getMetaData();
            return response.up()
                    .withData("database", c.getCatalog())
                    .withData("server", meta.getDatabaseProductVersion())
                    .build();
        } catch (SQLException | RuntimeException e) {
            return response.down().withData("reason", "PostgreSQL unreachable: " + rootMessage(e)).build();
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }
}
