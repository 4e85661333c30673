package dev.pgevents.http;

import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.logging.Logger;

/**
 * PostgreSQL unreachable, refusing connections, or the connection pool exhausted, recognised in an
 * exception's cause chain whatever wraps it (JPA, JTA, EJB, the event store): answered 503 with
 * {@code Retry-After}, and logged once per outage with a count instead of a trace per request.
 */
public final class DatabaseOutage {

    /** Seconds a client should wait before retrying. */
    public static final int RETRY_AFTER_SECONDS = 1;

    private static final Logger LOG = Logger.getLogger(DatabaseOutage.class.getName());
    private static final OutageLog OUTAGE_LOG = new OutageLog(LOG, 60_000);

    private DatabaseOutage() {
    }

    /** True when {@code e} or one of its causes says the database cannot be reached or has no connection to give. */
    public static boolean isOutage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                    // Liberty's pool timeout (com.ibm.websphere.ce.j2c), named to keep the application off its API
                    || t.getClass().getSimpleName().equals("ConnectionWaitTimeoutException")) {
                return true;
            }
            if (t instanceof SQLException sql && isOutageState(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /**
     * SQLSTATE class 08 (connection exception), 53 (insufficient resources: too many connections,
     * out of memory, disk full) and 57P01-57P05 (server shut down, starting up, database dropped).
     */
    static boolean isOutageState(String state) {
        return state != null && (state.startsWith("08") || state.startsWith("53") || state.startsWith("57P"));
    }

    /** The 503 for an outage; the log gets one line per outage and a count, not this request's trace. */
    public static Response respond(Throwable e) {
        OUTAGE_LOG.failed(reason(e));
        return Response.fromResponse(Problem.of(Response.Status.SERVICE_UNAVAILABLE,
                        "the database is not available; retry in a moment").toResponse())
                .header("Retry-After", RETRY_AFTER_SECONDS).build();
    }

    /** The innermost message, first line: what an operator needs to see of the outage. */
    private static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return LogSafe.text(message == null ? root.getClass().getSimpleName() : ProblemMappers.firstLine(message));
    }
}
