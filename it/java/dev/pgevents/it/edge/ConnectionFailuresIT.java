package dev.pgevents.it.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.http.Problem;
import dev.pgevents.http.ProblemMappers;
import dev.pgevents.it.Deployments;
import dev.pgevents.it.Http;
import dev.pgevents.transaction.Transactions;
import jakarta.annotation.Resource;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.net.URL;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The application's database connections failing under it, answered 503 with Retry-After, not
 * 500: every pooled connection of the datasource held elsewhere (a read-model GET waits for the
 * pool's connection timeout, 10 s); PostgreSQL terminating the connection of a transaction just
 * before its JTA one-phase commit (what a database restart does to a command in flight), where
 * the answer says the outcome is unknown rather than "unexpected error". Runs in the server.
 */
@ExtendWith(ArquillianExtension.class)
class ConnectionFailuresIT {

    @Deployment
    static WebArchive deployment() {
        return Deployments.application().addClass(Http.class);
    }

    @Inject
    Transactions transactions;

    @Resource(lookup = "jdbc/pgevents")
    DataSource jta;

    @Resource(lookup = "jdbc/pgevents-nontx")
    DataSource nonTx;

    @ArquillianResource
    URL base;

    @Test
    void anExhaustedPoolAnswers503() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Connection> held = new ArrayList<>();
        try {
            // each on a thread of its own (no transaction, nothing shared), until the pool says no
            while (true) {
                CompletableFuture<Connection> taken = new CompletableFuture<>();
                Thread holder = new Thread(() -> {
                    try (Connection c = jta.getConnection()) {
                        taken.complete(c);
                        release.await(60, TimeUnit.SECONDS);
                    } catch (SQLException | InterruptedException | RuntimeException e) {
                        taken.completeExceptionally(e);
                    }
                });
                holder.start();
                try {
                    held.add(taken.get(30, TimeUnit.SECONDS));
                } catch (java.util.concurrent.ExecutionException e) {
                    break; // the pool is exhausted: its connection timeout passed
                }
                assertTrue(held.size() <= 200, "the pool never ran out");
            }
            HttpResponse<String> answer = new Http(base).get("api/courses");
            assertEquals(503, answer.statusCode(), answer.body());
            assertTrue(answer.headers().firstValue("Retry-After").isPresent(), answer.headers().toString());
            assertTrue(answer.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        } finally {
            release.countDown();
        }
        assertEquals(200, new Http(base).get("api/courses").statusCode(), "once the connections are back");
    }

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
