package dev.pgevents.it.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.pgevents.it.Deployments;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
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

/** Normal outcomes are not incidents, and a client cannot write lines into the server log. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class LogHygieneIT {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Path LOGS = Path.of(System.getProperty("liberty.server.dir"), "logs");

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    @ArquillianResource
    URL base;

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
}
