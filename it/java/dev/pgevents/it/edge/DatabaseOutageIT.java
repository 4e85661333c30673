package dev.pgevents.it.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.it.Await;
import dev.pgevents.it.Deployments;
import dev.pgevents.it.TestEnvironmentExtension;
import dev.pgevents.testsupport.TestDatabase;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * PostgreSQL refusing the application's connections: read-model GETs, commands, the admin API and
 * /api/system answer 503 problem+json with Retry-After (not 500), the log gets a line per outage
 * rather than a trace per request, and everything answers again once the database is back.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DatabaseOutageIT {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String ADMIN = "Basic " + Base64.getEncoder().encodeToString("admin:admin".getBytes(StandardCharsets.UTF_8));

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    @ArquillianResource
    URL base;

    @Test
    void anOutageAnswers503WithRetryAfterLogsOnceAndRecovers() throws Exception {
        assertEquals(200, send(get("api/courses")).statusCode(), "before the outage");
        Path log = Path.of(System.getProperty("liberty.server.dir"), "logs", "messages.log");
        long logBefore = Files.size(log);
        List<HttpRequest> requests = List.of(
                get("api/courses"),
                get("api/courses/algebra"),
                get("api/system"),
                get("api/admin/listeners", ADMIN),
                HttpRequest.newBuilder(uri("api/courses")).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"courseId\":\"outage\",\"name\":\"Outage\",\"capacity\":3}"))
                        .timeout(Duration.ofSeconds(30)).build());
        refuseConnections(true);
        try {
            HttpResponse<String> ready = send(HttpRequest.newBuilder(URI.create(base.toString()).resolve("/health/ready")).build());
            assertEquals(503, ready.statusCode(), ready.body());
            JsonObject database = Json.createReader(new StringReader(ready.body())).readObject().getJsonArray("checks")
                    .getValuesAs(JsonObject.class).stream().filter(c -> c.getString("name").equals("database")).findFirst().orElseThrow();
            assertEquals("DOWN", database.getString("status"));
            assertEquals(Set.of("reason"), database.getJsonObject("data").keySet(), database.toString());
            assertTrue(Set.of("unreachable", "not-validating").contains(database.getJsonObject("data").getString("reason")),
                    "readiness is public: one word, no host, port or driver message: " + database);
            for (int round = 0; round < 4; round++) {
                for (HttpRequest request : requests) {
                    HttpResponse<String> answer = send(request);
                    String what = request.method() + " " + request.uri().getPath() + ": " + answer.body();
                    assertEquals(503, answer.statusCode(), what);
                    assertEquals("application/problem+json", answer.headers().firstValue("Content-Type").orElse("").split(";")[0], what);
                    assertTrue(answer.headers().firstValue("Retry-After").isPresent(), what);
                    assertTrue(answer.body().contains("\"status\":503"), what);
                }
            }
        } finally {
            refuseConnections(false);
        }
        String logged = tail(log, logBefore);
        long outageLines = logged.lines().filter(l -> l.contains("Database unavailable")).count();
        assertTrue(outageLines >= 1 && outageLines <= 2, "one line per outage, not per request:\n" + logged);
        assertFalse(logged.contains("incident"), "no incident per request during an outage:\n" + logged);

        Await.until("api/system to answer 200 after the outage", Duration.ofSeconds(30),
                () -> statusOf("api/system") == 200);
        assertEquals(200, send(get("api/courses")).statusCode());
    }

    /** ALLOW_CONNECTIONS false and the IT database's sessions terminated: PostgreSQL up, the application locked out. */
    private static void refuseConnections(boolean refuse) throws SQLException {
        String database = TestEnvironmentExtension.DATABASE;
        try (Connection c = TestDatabase.server().connect("postgres"); Statement s = c.createStatement()) {
            s.execute("ALTER DATABASE " + database + " ALLOW_CONNECTIONS " + !refuse); // CONNECTION LIMIT does not bind superusers
            if (refuse) {
                String sessions = "FROM pg_stat_activity WHERE datname = '" + database + "' AND pid <> pg_backend_pid()";
                s.execute("SELECT pg_terminate_backend(pid) " + sessions);
                // termination is a signal: wait until the sessions are gone
                Await.until("the IT database's sessions to end", Duration.ofSeconds(10), () -> {
                    try (var rs = s.executeQuery("SELECT count(*) " + sessions)) {
                        rs.next();
                        return rs.getLong(1) == 0;
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
            }
        }
    }

    private static String tail(Path log, long from) throws IOException {
        byte[] all = Files.readAllBytes(log);
        return new String(all, (int) Math.min(from, all.length), (int) Math.max(0, all.length - from), StandardCharsets.UTF_8);
    }

    private URI uri(String path) {
        return URI.create(base.toString()).resolve(path);
    }

    private HttpRequest get(String path, String... authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET();
        for (String a : authorization) {
            request.header("Authorization", a);
        }
        return request.build();
    }

    private int statusOf(String path) {
        try {
            return send(get(path)).statusCode();
        } catch (IOException e) {
            return -1; // no answer yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
