package dev.pgevents.it.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.transaction.Transactions;
import dev.pgevents.http.Problem;
import dev.pgevents.http.ProblemMappers;
import dev.pgevents.it.Deployments;
import jakarta.annotation.Resource;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * PostgreSQL terminating the connection of a transaction just before its JTA one-phase commit
 * (what a database restart does to a command in flight): the failure Liberty reports is answered
 * 503 with Retry-After, saying the outcome is unknown, not 500 "unexpected error".
 */
@ExtendWith(ArquillianExtension.class)
class CommitConnectionLossIT {

    @Deployment
    static WebArchive deployment() {
        return Deployments.application();
    }

    @Inject
    Transactions transactions;

    @Resource(lookup = "jdbc/pgevents")
    DataSource jta;

    @Resource(lookup = "jdbc/pgevents-nontx")
    DataSource nonTx;

    @Test
    void aCommitWhoseConnectionWasTerminatedAnswers503OutcomeUnknown() {
        RuntimeException failure = assertThrows(RuntimeException.class, () -> transactions.inNewTransaction(() -> {
            try (Connection c = jta.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                terminate(rs.getInt(1));
            }
            return null;
        }));
        Response answer = new ProblemMappers.UnexpectedExceptionMapper().toResponse(failure);
        assertEquals(503, answer.getStatus(), chain(failure));
        assertEquals("1", String.valueOf(answer.getHeaderString("Retry-After")));
        String detail = ((Problem) answer.getEntity()).detail();
        assertTrue(detail.contains("outcome is unknown") && detail.contains("idempotent"), detail);
    }

    /** As an operator's pg_terminate_backend or a fast shutdown does; waits until the session is gone. */
    private void terminate(int pid) throws SQLException {
        try (Connection c = nonTx.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(?)")) {
                ps.setInt(1, pid);
                ps.execute();
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE pid = ?")) {
                ps.setInt(1, pid);
                while (true) {
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getLong(1) == 0) {
                            return;
                        }
                    }
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("session " + pid + " still there after 10 s");
                    }
                    Thread.onSpinWait();
                }
            }
        }
    }

    private static String chain(Throwable e) {
        StringBuilder out = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            out.append(t.getClass().getName()).append(": ").append(t.getMessage()).append('\n');
        }
        return out.toString();
    }
}
