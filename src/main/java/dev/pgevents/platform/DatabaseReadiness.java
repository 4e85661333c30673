package dev.pgevents.platform;

import dev.pgevents.http.LogSafe;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when PostgreSQL answers on the application's datasource. Readiness is public, so DOWN
 * says one word ({@code unreachable}, {@code not-validating}); the details (host, port, driver
 * message) go to the server log once per change of state, not per probe.
 */
@Readiness
@ApplicationScoped
public class DatabaseReadiness implements HealthCheck {

    private static final Logger LOG = Logger.getLogger(DatabaseReadiness.class.getName());
    private static final int VALIDATION_TIMEOUT_SECONDS = 3;

    @Resource(lookup = "jdbc/pgevents-nontx")
    DataSource dataSource;

    /** The last DOWN reason logged; null while UP. */
    private final AtomicReference<String> down = new AtomicReference<>();

    @Override
    public HealthCheckResponse call() {
        try (Connection c = dataSource.getConnection()) {
            if (!c.isValid(VALIDATION_TIMEOUT_SECONDS)) {
                return down("not-validating", "a connection did not validate within " + VALIDATION_TIMEOUT_SECONDS + " s");
            }
        } catch (SQLException | RuntimeException e) {
            return down("unreachable", rootMessage(e));
        }
        if (down.getAndSet(null) != null) {
            LOG.info("Database readiness UP again");
        }
        return HealthCheckResponse.up("database");
    }

    private HealthCheckResponse down(String reason, String detail) {
        String line = reason + ": " + LogSafe.text(detail);
        if (!line.equals(down.getAndSet(line))) {
            LOG.warning("Database readiness DOWN, " + line);
        }
        return HealthCheckResponse.named("database").down().withData("reason", reason).build();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }
}
