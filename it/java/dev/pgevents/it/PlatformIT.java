package dev.pgevents.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.it.dcb.DcbClient;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.net.http.HttpResponse;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The WAR as built, with no configuration, over HTTP (one deployment): JAX-RS to PostgreSQL and
 * back, health, metrics; what the container answers itself and JSON-B's failures are
 * problem+json in the API's words, no Java names; normal outcomes are not incidents and a client
 * cannot write lines into the server log; the /dcb API is off.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PlatformIT {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Path LOGS = Path.of(System.getProperty("liberty.server.dir"), "logs");

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    @ArquillianResource
    URL base;

    // ------------------------------------------------------------------------------- errors leak nothing

    @Test
    void pathsTheContainerRefusesAnswerProblemJson() throws Exception {
        for (String path : List.of("api/courses/%2F", "api/courses/%2e%2e", "api/courses/%5C",
                "WEB-INF/web.xml", "WEB-INF/classes/dev/pgevents/http/Problem.class", "META-INF/MANIFEST.MF")) {
            HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(base + path)).GET());
            assertSafeProblem(answer, path);
        }
    }

    /**
     * A known limit: Liberty's HTTP dispatcher refuses these before any application sees them, with
     * its own small HTML page (CWWWC0005I, the path echoed escaped); no setting makes it problem+json.
     * It must stay a 4xx naming nothing of the server's insides.
     */
    @Test
    void pathsClimbingAboveTheRootAre4xxWithoutJavaNames() throws Exception {
        for (String path : List.of("api/%2e%2e/%2e%2e/x", "%2e%2e/x")) {
            HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(base + path)).GET());
            assertTrue(answer.statusCode() >= 400 && answer.statusCode() < 500, path + ": " + answer.statusCode());
            for (String leak : List.of("java.", "jakarta.", "com.ibm", "Exception", "class ", "SRVE")) {
                assertFalse(answer.body().contains(leak), path + " leaks '" + leak + "': " + answer.body());
            }
        }
    }

    @Test
    void aBodyJsonbCannotBindNamesNoJavaType() throws Exception {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(base + "api/courses"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"courseId\":\"c1\",\"name\":\"C\",\"capacity\":{\"n\":1}}")));
        assertEquals(400, answer.statusCode(), answer.body());
        assertSafeProblem(answer, "a body with an object for a number");
    }

    private static void assertSafeProblem(HttpResponse<String> answer, String what) {
        String body = answer.body();
        assertTrue(answer.statusCode() >= 400 && answer.statusCode() < 500, what + ": " + answer.statusCode() + " " + body);
        assertEquals("application/problem+json", answer.headers().firstValue("Content-Type").orElse("").split(";")[0],
                what + ": " + body);
        for (String leak : List.of("java.", "jakarta.", "com.ibm", "Exception", "class ", "SRVE", "<html")) {
            assertFalse(body.contains(leak), what + " leaks '" + leak + "': " + body);
        }
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return CLIENT.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    // ------------------------------------------------------------------------------- log hygiene

    @Test
    void rejectedCommandsWriteNoIncidentFiles() throws Exception {
        String course = "{\"courseId\":\"ffdc-course\",\"name\":\"FFDC\",\"capacity\":5}";
        assertEquals(201, post("api/courses", course, null).statusCode());
        Set<String> before = ffdcFiles();
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> rejected = post("api/courses", course, null);
            assertEquals(409, rejected.statusCode(), rejected.body());
        }
        assertEquals(before, ffdcFiles(), "a rejected command is a normal outcome, not an FFDC incident");
    }

    @Test
    void refusedAdminOperationsWriteNoIncidentFiles() throws Exception {
        String admin = "Basic " + Base64.getEncoder().encodeToString("admin:admin".getBytes(StandardCharsets.UTF_8));
        Set<String> before = ffdcFiles();
        for (int i = 0; i < 3; i++) {
            assertEquals(404, post("api/admin/listeners/no-such-listener/pause", "", admin).statusCode());
            assertEquals(404, post("api/admin/listeners/course-catalog/parked/1/retry", "", admin).statusCode());
            assertEquals(404, post("api/admin/listeners/course-catalog/parked/1/skip", "", admin).statusCode());
            HttpResponse<String> beyond = post("api/admin/listeners/course-catalog/reset?position=999999999", "", admin);
            assertEquals(400, beyond.statusCode(), beyond.body());
            assertEquals(404, post("api/admin/tasks/999999999/retry", "", admin).statusCode());
            assertEquals(404, post("api/admin/inbound/parked/999999999/retry", "", admin).statusCode());
        }
        assertEquals(before, ffdcFiles(), "a refused admin operation is a normal outcome, not an FFDC incident");
    }

    @Test
    void aLineBreakInABasicUserIdForgesNoLogLine() throws Exception {
        Path messages = LOGS.resolve("messages.log");
        long from = Files.size(messages);
        String forged = "FORGED-LINE-" + System.nanoTime();
        String credentials = Base64.getEncoder().encodeToString(("x\n" + forged + " A CWWKS0000I: admin logged in\r\n:pw")
                .getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> answer = post("api/admin/listeners/any/pause", "", "Basic " + credentials);
        assertEquals(401, answer.statusCode(), answer.body());
        byte[] all = Files.readAllBytes(messages);
        String written = new String(all, (int) from, all.length - (int) from, StandardCharsets.UTF_8);
        assertFalse(written.lines().anyMatch(line -> line.startsWith(forged)), written);
    }

    private static Set<String> ffdcFiles() throws IOException {
        Path ffdc = LOGS.resolve("ffdc");
        if (!Files.isDirectory(ffdc)) {
            return Set.of();
        }
        try (Stream<Path> files = Files.list(ffdc)) {
            return files.map(p -> p.getFileName().toString()).collect(TreeSet::new, Set::add, Set::addAll);
        }
    }

    private HttpResponse<String> post(String path, String body, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base.toString()).resolve(path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    // ------------------------------------------------------------------------------- /dcb is off

    @Test
    void everyDcbPathIs404WhenTheApiIsNotEnabledEvenWithCredentials() {
        for (DcbClient client : new DcbClient[] {DcbClient.anonymous(base), new DcbClient(base, "eventstore", "eventstore")}) {
            assertDisabled(client.read("{\"items\":[]}", null));
            assertDisabled(client.append("{\"events\":[{\"type\":\"T\",\"tags\":[],\"data\":\"x\"}]}"));
            assertDisabled(client.get("no-such-thing"));
        }
        assertDisabled(new Http(base).serverRoot().get("dcb;x=1/read?query=%7B%22items%22%3A%5B%5D%7D"));
    }

    private static void assertDisabled(HttpResponse<String> r) {
        assertEquals(404, r.statusCode(), r.body());
        assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));
        assertTrue(r.body().contains("pgevents.dcb.enabled"), r.body());
    }

    // ------------------------------------------------------------------------------- the platform

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
    void theBenchmarkBaselineResourceIsOffUnlessConfigured() {
        Http http = new Http(base);
        HttpResponse<String> insert = http.post("benchmark/rows", "application/json", "{\"id\":\"a\",\"payload\":\"b\"}");
        assertEquals(404, insert.statusCode(), insert.body());
        assertEquals("application/problem+json", insert.headers().firstValue("Content-Type").orElse(""));
        assertEquals(404, http.get("benchmark/rows/a").statusCode());
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
