package dev.pgevents.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
    void aCorrelationIdIsEchoedOrGeneratedAndAMalformedOneIsAProblem() throws Exception {
        HttpResponse<String> generated = new Http(base).get("api/courses");
        assertEquals(200, generated.statusCode(), generated.body());
        assertTrue(generated.headers().firstValue("Correlation-Id").orElse("").matches("[0-9a-f-]{36}"), generated.headers().map().toString());
        assertTrue(generated.headers().firstValue("Command-Id").isPresent());
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        HttpResponse<String> echoed = client.send(java.net.http.HttpRequest.newBuilder(base.toURI().resolve("api/courses"))
                .header("Correlation-Id", "order-42").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("order-42", echoed.headers().firstValue("Correlation-Id").orElse(null));
        HttpResponse<String> malformed = client.send(java.net.http.HttpRequest.newBuilder(base.toURI().resolve("api/courses"))
                .header("Correlation-Id", "no spaces \"please\"").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, malformed.statusCode());
        assertTrue(malformed.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        assertTrue(Http.json(malformed).asJsonObject().getString("detail").startsWith("the Correlation-Id header must be"));
    }

    @Test
    void metricsAreServedOverPlainHttp() {
        HttpResponse<String> response = new Http(base).serverRoot().get("metrics");
        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("jvm_uptime"), "prometheus text expected");
    }

    /**
     * Every JAX-RS resource method of the WAR (found by reflection over its classes) is in the
     * OpenAPI document, with a success response, the errors any operation can answer (500, 503),
     * a 400 or 404 when it takes input, 401 and 403 when it needs a login, each a problem+json body.
     */
    @Test
    void theOpenApiDocumentDescribesEveryResourceMethodWithItsErrors() throws Exception {
        HttpResponse<String> response = new Http(base).serverRoot().get("openapi?format=JSON");
        assertEquals(200, response.statusCode(), response.body());
        JsonObject document = Http.json(response).asJsonObject();
        JsonObject paths = document.getJsonObject("paths");
        JsonObject components = document.getJsonObject("components").getJsonObject("responses");
        List<ResourceMethods.Operation> operations = ResourceMethods.in(Path.of("target/classes"));
        assertTrue(operations.size() > 40, "resource methods found: " + operations);
        List<String> problems = new ArrayList<>();
        for (ResourceMethods.Operation o : operations) {
            JsonObject operation = paths.containsKey(o.path()) ? paths.getJsonObject(o.path()).getJsonObject(o.method()) : null;
            if (operation == null) {
                problems.add(o + ": missing");
                continue;
            }
            JsonObject responses = operation.getJsonObject("responses");
            if (responses.keySet().stream().noneMatch(status -> status.startsWith("2") || status.startsWith("3"))) {
                problems.add(o + ": no success response");
            }
            List<String> expected = new ArrayList<>(List.of("500", "503"));
            if (o.takesInput()) {
                expected.add(responses.containsKey("404") ? "404" : "400");
            }
            if (o.secured()) {
                expected.addAll(List.of("401", "403"));
                if (!operation.containsKey("security") && !document.containsKey("security")) {
                    problems.add(o + ": no security requirement");
                }
            }
            for (String status : expected) {
                if (!responses.containsKey(status)) {
                    problems.add(o + ": no " + status);
                }
            }
            responses.forEach((status, value) -> {
                JsonObject r = value.asJsonObject();
                JsonObject resolved = r.containsKey("$ref")
                        ? components.getJsonObject(r.getString("$ref").substring("#/components/responses/".length())) : r;
                if (status.startsWith("4") || status.startsWith("5")) {
                    if (resolved == null || !resolved.getJsonObject("content").containsKey("application/problem+json")) {
                        problems.add(o + ": " + status + " is not problem+json");
                    }
                }
            });
        }
        assertEquals(List.of(), problems);
        assertEquals(List.of(), document.getJsonObject("components").getJsonObject("schemas").keySet().stream()
                .filter(name -> name.matches(".*\\d")).toList(), "schema names that clashed (Request, Request1, ...)");
        assertEquals(200, new Http(base).serverRoot().get("openapi/ui/").statusCode());
    }
}
