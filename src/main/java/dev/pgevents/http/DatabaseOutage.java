package dev.pgevents.http;

import jakarta.transaction.HeuristicMixedException;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * PostgreSQL unreachable, refusing connections, the connection pool exhausted, or a commit whose
 * connection died, recognised in an exception's cause chain whatever wraps it (JPA, JTA, EJB, the
 * event store): answered 503 with {@code Retry-After}, and logged once per outage with a count
 * instead of a trace per request.
 */
public final class DatabaseOutage {

    /** Seconds a client should wait before retrying. */
    public static final int RETRY_AFTER_SECONDS = 1;

    private static final Logger LOG = Logger.getLogger(DatabaseOutage.class.getName());
    private static final OutageLog OUTAGE_LOG = new OutageLog(LOG, "Database unavailable", 60_000);

    private DatabaseOutage() {
    }

    /**
     * True when {@code e} or one of its causes (or suppressed exceptions) says the database cannot be
     * reached or has no connection to give, or that a commit met a connection that died: JTA reports
     * that as a heuristic outcome whose cause it may not keep.
     */
    public static boolean isOutage(Throwable e) {
        return anyInChain(e, DatabaseOutage::isOutageItself);
    }

    private static boolean isOutageItself(Throwable t) {
        if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                || isCommitOutcomeUnknown(t)
                // Liberty's pool timeout (com.ibm.websphere.ce.j2c), named to keep the application off its API
                || t.getClass().getSimpleName().equals("ConnectionWaitTimeoutException")) {
            return true;
        }
        return t instanceof SQLException sql && (isOutageState(sql.getSQLState()) || isRefusedAtLogin(sql));
    }

    /**
     * A one-phase commit whose connection failed (PostgreSQL terminated it, or restarted): the
     * transaction manager cannot tell whether the commit happened.
     */
    private static boolean isCommitOutcomeUnknown(Throwable t) {
        return t instanceof HeuristicMixedException;
    }

    /**
     * SQLSTATE 55000 (object not in prerequisite state) means many things; raised while the driver
     * opens a connection it means the database does not accept connections now (ALLOW_CONNECTIONS
     * false, e.g. during maintenance). Told by where it was thrown, since the message is localised.
     */
    private static boolean isRefusedAtLogin(SQLException e) {
        return "55000".equals(e.getSQLState()) && Arrays.stream(e.getStackTrace()).anyMatch(DatabaseOutage::opensConnection);
    }

    /** A driver frame that opens a connection (with a login timeout the driver rethrows from Driver.connect). */
    private static boolean opensConnection(StackTraceElement frame) {
        String type = frame.getClassName();
        return type.equals("org.postgresql.Driver") && frame.getMethodName().equals("connect")
                || type.startsWith("org.postgresql.core.") && type.contains("ConnectionFactory");
    }

    /** Whether {@code test} holds for {@code e}, a cause, or a suppressed exception of any of them (cycles cut). */
    private static boolean anyInChain(Throwable e, Predicate<Throwable> test) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Throwable> pending = new ArrayDeque<>();
        if (e != null) {
            pending.push(e);
        }
        while (!pending.isEmpty() && seen.size() < 100) {
            Throwable t = pending.pop();
            if (!seen.add(t)) {
                continue;
            }
            if (test.test(t)) {
                return true;
            }
            if (t.getCause() != null) {
                pending.push(t.getCause());
            }
            if (t instanceof SQLException sql && sql.getNextException() != null) {
                pending.push(sql.getNextException());
            }
            for (Throwable suppressed : t.getSuppressed()) {
                pending.push(suppressed);
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
        return Response.fromResponse(Problem.of(Response.Status.SERVICE_UNAVAILABLE, detail(e)).toResponse())
                .header("Retry-After", RETRY_AFTER_SECONDS).build();
    }

    /** What the client is told: a failed commit may have taken effect, a refused request has not. */
    static String detail(Throwable e) {
        return anyInChain(e, DatabaseOutage::isCommitOutcomeUnknown)
                ? "the database connection failed while the request was committing: its outcome is unknown"
                + " (it may or may not have taken effect); retrying is safe when the request is idempotent,"
                + " otherwise check its effect first"
                : "the database is not available; retry in a moment";
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
