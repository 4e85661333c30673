package dev.pgevents.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.net.URL;
import java.time.Duration;
import java.net.http.HttpResponse;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The deployed WAR over HTTP: JAX-RS to PostgreSQL and back, health, errors as problem+json. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PlatformIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    @ArquillianResource
    URL base;

    @Test
    void systemInfoComesFromTheDatabaseThroughJpa() {
        HttpResponse<String> response = new Http(base).get("api/system");
        assertEquals(200, response.statusCode(), response.body());
        JsonObject info = Http.json(response).asJsonObject();
        assertEquals(TestEnvironmentExtension.DATABASE, info.getString("database"));
        assertTrue(info.getString("postgresVersion").matches("\\d+(\\.\\d+)?.*"), info.toString());
        assertFalse(info.getJsonArray("migrations").isEmpty(), "migrations were applied at start-up: " + info);
        assertTrue(info.getJsonArray("migrations").getJsonObject(0).getBoolean("success"));
    }

    @Test
    void readinessAndLivenessAreUpWithTheDatabase() {
        Http root = new Http(base).serverRoot();
        HttpResponse<String> ready = root.get("health/ready");
        assertEquals(200, ready.statusCode(), ready.body());
        JsonObject body = Http.json(ready).asJsonObject();
        assertEquals("UP", body.getString("status"));
        assertTrue(body.getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                .anyMatch(c -> "database".equals(c.getString("name")) && "UP".equals(c.getString("status"))), body.toString());
        assertEquals(200, root.get("health/live").statusCode());
    }

    @Test
    void anUnknownPathIsAProblemNotAStackTrace() {
        HttpResponse<String> response = new Http(base).get("api/no-such-thing");
        assertEquals(404, response.statusCode());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElse(""));
        JsonObject problem = Http.json(response).asJsonObject();
        assertEquals(404, problem.getInt("status"));
        assertFalse(response.body().contains("Exception"), response.body());
    }

    @Test
    void metricsAreServedOverPlainHttp() {
        HttpResponse<String> response = new Http(base).serverRoot().get("metrics");
        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("jvm_uptime"), "prometheus text expected");
    }

    /**
     * This suite's PostgreSQL runs with wal_level=replica: CDC cannot run, the application deploys
     * anyway, readiness stays UP with the cdc check saying why, and the posts API still writes.
     */
    @Test
    void withoutLogicalWalTheAppIsReadyAndSaysWhyCdcDoesNotRun() {
        HttpResponse<String> ready = new Http(base).serverRoot().get("health/ready");
        assertEquals(200, ready.statusCode(), ready.body());
        JsonObject cdc = Http.json(ready).asJsonObject().getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                .filter(c -> "cdc".equals(c.getString("name"))).findFirst().orElseThrow(() -> new AssertionError(ready.body()));
        assertEquals("UP", cdc.getString("status"));
        Await.until("the cdc check reports unavailable", Duration.ofSeconds(20), () -> "unavailable".equals(cdcState()));
        JsonObject data = Http.json(new Http(base).serverRoot().get("health/ready")).asJsonObject().getJsonArray("checks")
                .getValuesAs(JsonObject.class).stream().filter(c -> "cdc".equals(c.getString("name"))).findFirst().orElseThrow()
                .getJsonObject("data");
        assertTrue(data.getString("reason").contains("wal_level"), data.toString());

        HttpResponse<String> created = new Http(base).post("api/posts", "application/json", "{\"title\":\"Hello\",\"body\":\"World\"}");
        assertEquals(201, created.statusCode(), created.body());
        assertTrue(created.headers().firstValue("Change-Position").orElse("").matches("[0-9]+"), created.headers().toString());
    }

    private String cdcState() {
        return Http.json(new Http(base).serverRoot().get("health/ready")).asJsonObject().getJsonArray("checks")
                .getValuesAs(JsonObject.class).stream().filter(c -> "cdc".equals(c.getString("name"))).findFirst()
                .map(c -> c.getJsonObject("data").getString("state")).orElse("");
    }
}
