package dev.pgevents.it.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.it.Await;
import dev.pgevents.it.Http;
import dev.pgevents.subscription.client.SseMessage;
import dev.pgevents.subscription.client.SubscriptionClient;
import jakarta.json.Json;
import jakarta.json.JsonStructure;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The course catalogue live (issue 17): {@code /api/courses/changes} and
 * {@code /api/courses/{id}/changes} send a snapshot equal to the GET answers, then an upsert per
 * change with the position of the event that caused it.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class CourseChangesIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Deployment(testable = false)
    static WebArchive deployment() {
        return RealtimeDeployments.application();
    }

    @ArquillianResource
    URL base;

    Http http;
    URI root;
    String course;

    @BeforeEach
    void setUp() {
        http = new Http(base).serverRoot();
        root = URI.create(base.toString()).resolve("/");
        course = "c" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Collects the messages of one stream. */
    static final class Messages implements SubscriptionClient.Handler {
        final List<SseMessage> all = new CopyOnWriteArrayList<>();

        @Override
        public void onMessage(SseMessage message) {
            all.add(message);
        }

        SseMessage find(String event, String text) {
            return all.stream().filter(m -> m.event().equals(event) && m.data().contains(text)).findFirst().orElse(null);
        }
    }

    SubscriptionClient open(String path, Messages messages) {
        return new SubscriptionClient(HTTP, root.resolve(path), Map.of(), null, Duration.ofMillis(200), messages).start();
    }

    @Test
    void theCatalogueStreamSendsTheListThenEachChangedCourse() {
        long defined = position(http.post("/api/courses", "application/json",
                "{\"courseId\":\"" + course + "\",\"name\":\"Live\",\"capacity\":5}"));
        http.get("/api/courses?minPosition=" + defined);
        Messages messages = new Messages();
        try (SubscriptionClient client = open("api/courses/changes", messages)) {
            Await.until("the snapshot", WAIT, () -> !messages.all.isEmpty());
            SseMessage snapshot = messages.all.get(0);
            assertEquals("snapshot", snapshot.event());
            assertEquals(json(http.get("/api/courses").body()), json(snapshot.data()), "the snapshot is GET /api/courses");

            String student = course + "-s";
            assertEquals(201, http.post("/api/students", "application/json",
                    "{\"studentId\":\"" + student + "\",\"name\":\"Ada\"}").statusCode());
            long subscribed = position(http.post("/api/courses/" + course + "/subscriptions", "application/json",
                    "{\"studentId\":\"" + student + "\"}"));
            Await.until("the upsert of the subscription", WAIT, () -> messages.find("upsert", "\"availableSeats\":4") != null);
            SseMessage upsert = messages.find("upsert", "\"availableSeats\":4");
            assertEquals(String.valueOf(subscribed), upsert.id(), "id: the position of the event that caused it");
            assertEquals(json(http.get("/api/courses/" + course).body()), json(upsert.data()),
                    "the upsert is GET /api/courses/{id}");
        }
    }

    @Test
    void theStreamOfOneCourseSendsItThenItsChangesAndAReconnectGetsAFreshSnapshot() {
        long defined = position(http.post("/api/courses", "application/json",
                "{\"courseId\":\"" + course + "\",\"name\":\"Live\",\"capacity\":5}"));
        http.get("/api/courses/" + course + "?minPosition=" + defined);
        Messages messages = new Messages();
        try (SubscriptionClient client = open("api/courses/" + course + "/changes", messages)) {
            Await.until("the snapshot", WAIT, () -> !messages.all.isEmpty());
            assertEquals("snapshot", messages.all.get(0).event());
            assertEquals(json(http.get("/api/courses/" + course).body()), json(messages.all.get(0).data()));
            assertEquals(String.valueOf(defined), messages.all.get(0).id());

            long renamed = position(http.put("/api/courses/" + course + "/name", "application/json", "{\"name\":\"Renamed\"}"));
            Await.until("the rename", WAIT, () -> messages.find("upsert", "Renamed") != null);
            assertEquals(String.valueOf(renamed), messages.find("upsert", "Renamed").id());
            // another course's change is not in this stream
            position(http.post("/api/courses", "application/json",
                    "{\"courseId\":\"" + course + "x\",\"name\":\"Other\",\"capacity\":1}"));
            long capacity = position(http.put("/api/courses/" + course + "/capacity", "application/json", "{\"capacity\":9}"));
            Await.until("the capacity change", WAIT, () -> messages.find("upsert", "\"capacity\":9") != null);
            assertTrue(messages.all.stream().noneMatch(m -> m.data().contains(course + "x")), messages.all.toString());
            assertEquals(String.valueOf(capacity), messages.find("upsert", "\"capacity\":9").id());
        }
        Messages again = new Messages();
        try (SubscriptionClient client = open("api/courses/" + course + "/changes", again)) {
            Await.until("a fresh snapshot", WAIT, () -> !again.all.isEmpty());
            assertEquals("snapshot", again.all.get(0).event());
            assertTrue(again.all.get(0).data().contains("\"capacity\":9"), again.all.get(0).data());
        }
    }

    @Test
    void anUnknownCourseIs404() {
        HttpResponse<String> r = http.get("/api/courses/" + course + "/changes");
        assertEquals(404, r.statusCode(), r.body());
        assertTrue(r.body().contains("course " + course + " does not exist"), r.body());
    }

    static long position(HttpResponse<String> r) {
        assertTrue(r.statusCode() / 100 == 2, r.statusCode() + " " + r.body());
        return Long.parseLong(r.headers().firstValue("Event-Position").orElseThrow());
    }

    static JsonStructure json(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.read();
        }
    }
}
