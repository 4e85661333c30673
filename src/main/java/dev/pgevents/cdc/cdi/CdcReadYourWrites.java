package dev.pgevents.cdc.cdi;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Read-your-writes over CDC operators: waits until an operator handled every source transaction up
 * to a position (a write's {@code Change-Position}), bounded by
 * {@code pgevents.read.min-position-timeout-ms} (default 5000, as for read models).
 */
@ApplicationScoped
public class CdcReadYourWrites {

    private static final long FIRST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    @Inject
    CdcRuntime runtime;

    @Inject
    @ConfigProperty(name = "pgevents.read.min-position-timeout-ms", defaultValue = "5000")
    long timeoutMillis;

    /** Returns once the operator reached the position, else throws {@link OperatorBehind}. */
    public void await(String operator, long position) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        long pause = FIRST_PAUSE_NANOS;
        long reached;
        while ((reached = reached(operator)) < position) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new OperatorBehind(operator, position, reached, timeoutMillis);
            }
            LockSupport.parkNanos(Math.min(pause, left));
            pause = Math.min(pause * 2, MAX_PAUSE_NANOS);
        }
    }

    private long reached(String operator) {
        try {
            return runtime.admin().reached(operator);
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the position of CDC operator " + operator, e);
        }
    }

    /** The operator did not reach the position in time. */
    public static class OperatorBehind extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public OperatorBehind(String operator, long wanted, long reached, long timeoutMillis) {
            super("operator " + operator + " has handled changes up to position " + Math.max(reached, 0) + ", not yet "
                    + wanted + ", after " + timeoutMillis + " ms; retry later");
        }
    }
}
