package dev.pgevents.it.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.it.Deployments;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What the container answers itself, and JSON-B's failures: problem+json in the API's words, no Java names. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ErrorLeaksIT {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    @ArquillianResource
    URL base;

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
}
