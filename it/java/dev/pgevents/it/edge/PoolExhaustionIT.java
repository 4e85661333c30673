package dev.pgevents.it.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.it.Deployments;
import dev.pgevents.it.Http;
import jakarta.annotation.Resource;
import java.net.URL;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
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
 * Every pooled connection of the application's datasource held elsewhere: a read-model GET waits
 * for the pool's connection timeout (10 s) and answers 503 with Retry-After, not 500.
 */
@ExtendWith(ArquillianExtension.class)
class PoolExhaustionIT {

    @Deployment
    static WebArchive deployment() {
        return Deployments.application().addClass(Http.class);
    }

    @Resource(lookup = "jdbc/pgevents")
    DataSource jta;

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
}
