package dev.pgevents.it.courses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.it.Deployments;
import dev.pgevents.it.Http;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The courses API end to end: commands, read models with read-your-writes, every error status. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class CoursesApiIT {

    private static final String JSON = "application/json";
    /** The store's group commit is on unless the environment turns it off (the server has the same environment). */
    private static final boolean GROUP_COMMIT = !"false".equalsIgnoreCase(System.getenv("PGEVENTS_STORE_GROUP_COMMIT"));

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    @ArquillianResource
    URL base;

    Http http;
    String run;

    @BeforeEach
    void setUp() {
        http = new Http(base);
        run = UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void aCourseLivesThroughEveryCommandAndTheReadModelFollows() {
        String course = "algebra-" + run;
        String student = "ada-" + run;

        HttpResponse<String> defined = http.post("api/courses", JSON,
                "{\"courseId\":\"" + course + "\",\"name\":\"Algebra\",\"capacity\":3}");
        assertEquals(201, defined.statusCode(), defined.body());
        assertTrue(defined.headers().firstValue("Location").orElse("").endsWith("/api/courses/" + course));
        JsonObject view = readCourse(course, position(defined));
        assertEquals(course, view.getString("courseId"));
        assertEquals("Algebra", view.getString("name"));
        assertEquals(3, view.getInt("capacity"));
        assertEquals(3, view.getInt("availableSeats"));
        assertFalse(view.getBoolean("closed"));

        HttpResponse<String> registered = http.post("api/students", JSON,
                "{\"studentId\":\"" + student + "\",\"name\":\"Ada\"}");
        assertEquals(201, registered.statusCode(), registered.body());
        assertTrue(registered.headers().firstValue("Location").orElse("").endsWith("/api/students/" + student));

        HttpResponse<String> subscribed = http.post("api/courses/" + course + "/subscriptions", JSON,
                "{\"studentId\":\"" + student + "\"}");
        assertEquals(201, subscribed.statusCode(), subscribed.body());
        long afterSubscribe = position(subscribed);
        assertTrue(afterSubscribe > position(registered));
        assertEquals(2, readCourse(course, afterSubscribe).getInt("availableSeats"));
        JsonObject ada = Http.json(http.get("api/students/" + student + "?minPosition=" + afterSubscribe)).asJsonObject();
        assertEquals("Ada", ada.getString("name"));
        assertEquals(List.of(course), ada.getJsonArray("courses").getValuesAs(jakarta.json.JsonString.class)
                .stream().map(jakarta.json.JsonString::getString).toList());

        HttpResponse<String> renamed = http.put("api/courses/" + course + "/name", JSON, "{\"name\":\"Linear algebra\"}");
        assertEquals(204, renamed.statusCode(), renamed.body());
        assertEquals("Linear algebra", readCourse(course, position(renamed)).getString("name"));

        HttpResponse<String> resized = http.put("api/courses/" + course + "/capacity", JSON, "{\"capacity\":5}");
        assertEquals(204, resized.statusCode(), resized.body());
        assertEquals(4, readCourse(course, position(resized)).getInt("availableSeats"));

        HttpResponse<String> unsubscribed = http.delete("api/courses/" + course + "/subscriptions/" + student);
        assertEquals(204, unsubscribed.statusCode(), unsubscribed.body());
        assertEquals(5, readCourse(course, position(unsubscribed)).getInt("availableSeats"));
        assertTrue(Http.json(http.get("api/students/" + student + "?minPosition=" + position(unsubscribed)))
                .asJsonObject().getJsonArray("courses").isEmpty());

        HttpResponse<String> closed = http.post("api/courses/" + course + "/close", JSON, "");
        assertEquals(204, closed.statusCode(), closed.body());
        assertTrue(readCourse(course, position(closed)).getBoolean("closed"));
    }

    @Test
    void theCatalogueListsCoursesOrderedById() {
        long last = 0;
        for (String id : List.of("b-" + run, "a-" + run, "c-" + run)) {
            last = position(http.post("api/courses", JSON, "{\"courseId\":\"" + id + "\",\"name\":\"N\",\"capacity\":1}"));
        }
        JsonArray all = Http.json(http.get("api/courses?minPosition=" + last)).asJsonArray();
        List<String> ids = all.getValuesAs(JsonObject.class).stream().map(o -> o.getString("courseId")).toList();
        List<String> sorted = new ArrayList<>(ids);
        sorted.sort(null);
        assertEquals(sorted, ids);
        assertTrue(ids.containsAll(List.of("a-" + run, "b-" + run, "c-" + run)), ids.toString());
    }

    @Test
    void badRequestsAre400() {
        String course = "bad-" + run;
        assertProblem(400, http.post("api/courses", JSON, "{\"courseId\":"));
        assertProblem(400, http.post("api/courses", JSON, "{\"courseId\":\"" + course + "\",\"name\":\"N\"}"));
        assertProblem(400, http.post("api/courses", JSON, "{\"courseId\":\"no spaces\",\"name\":\"N\",\"capacity\":1}"));
        assertProblem(400, http.post("api/courses", JSON, "{\"courseId\":\"" + course + "\",\"name\":\"N\",\"capacity\":0}"));
        assertProblem(400, http.post("api/courses", JSON, "{\"courseId\":\"" + course + "\",\"name\":\"N\",\"capacity\":1001}"));
        assertProblem(400, http.post("api/courses", JSON, "{\"courseId\":\"" + course + "\",\"name\":\"N\",\"capacity\":\"ten\"}"));
        assertProblem(400, http.post("api/courses", JSON, "{\"courseId\":\"" + course + "\",\"name\":\"\",\"capacity\":1}"));
        assertProblem(400, http.post("api/courses", JSON, ""));
        assertProblem(400, http.post("api/students", JSON, "{\"studentId\":\"" + "x".repeat(65) + "\",\"name\":\"N\"}"));
        assertProblem(400, http.post("api/students", JSON, "{\"studentId\":\"s-" + run + "\",\"name\":\"A\\u0000B\"}"));
        assertProblem(400, http.get("api/courses/" + course + "?minPosition=-1"));
        assertProblem(400, http.get("api/courses?minPosition=soon"));
        assertProblem(400, http.put("api/courses/bad%20id/name", JSON, "{\"name\":\"N\"}"));
        // nothing of the above was appended
        assertProblem(404, http.get("api/courses/" + course));
    }

    @Test
    void bodiesAreReadStrictlyWithOneClearDetailEach() {
        String course = "strict-" + run;
        String c = "\"courseId\":\"" + course + "\"";
        String[][] cases = {
            {"{" + c + ",\"name\":\"N\",\"capacity\":10} garbage", "content after the JSON value"},
            {"{" + c + ",\"name\":\"N\",\"capacity\":1.5}", "capacity must be an integer, not 1.5"},
            {"{" + c + ",\"name\":\"N\",\"capacity\":\"10\"}", "capacity must be an integer, not a string"},
            {"{" + c + ",\"name\":5,\"capacity\":10}", "name must be a string, not a number"},
            {"{" + c + ",\"name\":true,\"capacity\":10}", "name must be a string, not a boolean"},
            {"{\"courseId\":7,\"name\":\"N\",\"capacity\":10}", "courseId must be a string, not a number"},
            {"{" + c + ",\"name\":\"N\\ud800\",\"capacity\":10}", "name contains an unpaired UTF-16 surrogate"},
            {"{\"courseId\":\".\",\"name\":\"N\",\"capacity\":10}", "courseId must be 1 to 64"},
            {"{\"courseId\":\"..\",\"name\":\"N\",\"capacity\":10}", "courseId must be 1 to 64"},
            {"{" + c + ",\"name\":\"N\",\"capacity\":" + "9".repeat(200) + "}", "the limit is 100"}};
        for (String[] k : cases) {
            String detail = assertProblem(400, http.post("api/courses", JSON, k[0])).getString("detail");
            assertTrue(detail.contains(k[1]), k[0] + " -> " + detail);
        }
        String body = "{" + c + ",\"name\":\"N\",\"capacity\":10}";
        String detail = assertProblem(400, http.post("api/courses", "application/json; charset=bogus", body)).getString("detail");
        assertTrue(detail.contains("charset bogus is not supported"), detail);
        assertProblem(415, http.post("api/courses", "application/*", body));
        assertProblem(415, http.post("api/courses", "*/*", body));
        assertProblem(404, http.get("api/courses/" + course));
        assertEquals(201, http.post("api/courses", "application/json; charset=utf-8", body).statusCode());
    }

    @Test
    void aBodyThatIsNotJsonIs415() {
        assertProblem(415, http.post("api/courses", "text/plain", "courseId=x"));
    }

    @Test
    void unknownCoursesAndStudentsAre404() {
        String course = "c-" + run;
        String student = "s-" + run;
        assertProblem(404, http.get("api/courses/" + course));
        assertProblem(404, http.get("api/students/" + student));
        assertProblem(404, http.put("api/courses/" + course + "/name", JSON, "{\"name\":\"N\"}"));
        assertProblem(404, http.put("api/courses/" + course + "/capacity", JSON, "{\"capacity\":3}"));
        assertProblem(404, http.post("api/courses/" + course + "/close", JSON, ""));
        assertProblem(404, http.post("api/courses/" + course + "/subscriptions", JSON, "{\"studentId\":\"" + student + "\"}"));
        http.post("api/courses", JSON, "{\"courseId\":\"" + course + "\",\"name\":\"N\",\"capacity\":1}");
        JsonObject problem = assertProblem(404, http.post("api/courses/" + course + "/subscriptions", JSON,
                "{\"studentId\":\"" + student + "\"}"));
        assertTrue(problem.getString("detail").contains(student), problem.toString());
        assertProblem(404, http.delete("api/courses/" + course + "/subscriptions/" + student));
    }

    @Test
    void brokenRulesAre409AndSayWhich() {
        String course = "r-" + run;
        http.post("api/courses", JSON, "{\"courseId\":\"" + course + "\",\"name\":\"N\",\"capacity\":1}");
        assertRule("course-exists", http.post("api/courses", JSON, "{\"courseId\":\"" + course + "\",\"name\":\"N\",\"capacity\":1}"));
        http.post("api/students", JSON, "{\"studentId\":\"s1-" + run + "\",\"name\":\"A\"}");
        http.post("api/students", JSON, "{\"studentId\":\"s2-" + run + "\",\"name\":\"B\"}");
        assertRule("student-exists", http.post("api/students", JSON, "{\"studentId\":\"s1-" + run + "\",\"name\":\"A\"}"));
        assertEquals(201, http.post("api/courses/" + course + "/subscriptions", JSON, "{\"studentId\":\"s1-" + run + "\"}").statusCode());
        assertRule("already-subscribed", http.post("api/courses/" + course + "/subscriptions", JSON, "{\"studentId\":\"s1-" + run + "\"}"));
        assertRule("course-full", http.post("api/courses/" + course + "/subscriptions", JSON, "{\"studentId\":\"s2-" + run + "\"}"));
        assertRule("not-subscribed", http.delete("api/courses/" + course + "/subscriptions/s2-" + run));
        assertRule("capacity-unchanged", http.put("api/courses/" + course + "/capacity", JSON, "{\"capacity\":1}"));
        assertRule("name-unchanged", http.put("api/courses/" + course + "/name", JSON, "{\"name\":\"N\"}"));
        assertEquals(204, http.post("api/courses/" + course + "/close", JSON, "").statusCode());
        assertRule("course-closed", http.post("api/courses/" + course + "/close", JSON, ""));
        assertRule("course-closed", http.put("api/courses/" + course + "/capacity", JSON, "{\"capacity\":4}"));
    }

    @Test
    void aReadModelThatCannotCatchUpIs503() {
        HttpResponse<String> response = http.get("api/courses?minPosition=" + Long.MAX_VALUE / 2);
        JsonObject problem = assertProblem(503, response);
        assertTrue(problem.getString("detail").contains("course-catalog"), problem.toString());
        assertEquals("1", response.headers().firstValue("Retry-After").orElse(""));
    }

    @Test
    void fiftyClientsRaceForTenSeatsAndExactlyTenWin() throws Exception {
        String course = "race-" + run;
        assertEquals(201, http.post("api/courses", JSON, "{\"courseId\":\"" + course + "\",\"name\":\"Race\",\"capacity\":10}").statusCode());
        int clients = 50;
        long sharedBefore = GROUP_COMMIT ? sharedCommitAppends() : 0;
        for (int i = 0; i < clients; i++) {
            assertEquals(201, http.post("api/students", JSON, "{\"studentId\":\"" + student(i) + "\",\"name\":\"S\"}").statusCode());
        }
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                String body = "{\"studentId\":\"" + student(i) + "\"}";
                answers.add(pool.submit(() -> {
                    start.await();
                    return http.post("api/courses/" + course + "/subscriptions", JSON, body);
                }));
            }
            start.countDown();
            int won = 0;
            int full = 0;
            long last = 0;
            for (Future<HttpResponse<String>> answer : answers) {
                HttpResponse<String> r = answer.get(120, TimeUnit.SECONDS);
                if (r.statusCode() == 201) {
                    won++;
                    last = Math.max(last, position(r));
                } else {
                    assertEquals(409, r.statusCode(), r.body());
                    assertEquals("/problems/course-full", Http.json(r).asJsonObject().getString("type"), r.body());
                    full++;
                }
            }
            assertEquals(10, won);
            assertEquals(40, full);
            assertEquals(0, readCourse(course, last).getInt("availableSeats"));
            if (GROUP_COMMIT) { // the commands' decisions ran outside a transaction: their appends went through it
                long shared = sharedCommitAppends() - sharedBefore;
                assertTrue(shared >= clients + 10, "appends through group commit: " + shared);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aSubscriptionOnStatesTheCacheKeptReadsNothingAndTheGaugesSaySo() {
        long misses = gauge("pgevents_decision_state_cache_misses");
        String course = "cached-" + run;
        String student = "cached-" + run;
        assertEquals(201, http.post("api/courses", JSON, "{\"courseId\":\"" + course + "\",\"name\":\"C\",\"capacity\":3}").statusCode());
        assertEquals(201, http.post("api/students", JSON, "{\"studentId\":\"" + student + "\",\"name\":\"S\"}").statusCode());
        assertTrue(gauge("pgevents_decision_state_cache_misses") >= misses + 2, "a new course and a new student are read");
        long hitsBefore = gauge("pgevents_decision_state_cache_hits");

        assertEquals(201, http.post("api/courses/" + course + "/subscriptions", JSON, "{\"studentId\":\"" + student + "\"}").statusCode());

        assertTrue(gauge("pgevents_decision_state_cache_hits") >= hitsBefore + 1, "course and student were in the cache");
        assertTrue(gauge("pgevents_decision_state_cache_entries") >= 2);
    }

    /** The store's group commit gauge: appends that went through shared transactions so far. */
    private long sharedCommitAppends() {
        return gauge("pgevents_store_group_commit_appends");
    }

    /** An application gauge's value now. */
    private long gauge(String name) {
        HttpResponse<String> metrics = http.serverRoot().get("metrics?scope=application");
        assertEquals(200, metrics.statusCode());
        return metrics.body().lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst()
                .orElseThrow(() -> new AssertionError("no gauge " + name + " in " + metrics.body()));
    }

    private String student(int i) {
        return "racer-" + i + "-" + run;
    }

    private JsonObject readCourse(String course, long minPosition) {
        HttpResponse<String> r = http.get("api/courses/" + course + "?minPosition=" + minPosition);
        assertEquals(200, r.statusCode(), r.body());
        return Http.json(r).asJsonObject();
    }

    private static long position(HttpResponse<String> response) {
        return Long.parseLong(response.headers().firstValue("Event-Position")
                .orElseThrow(() -> new AssertionError("no Event-Position in " + response.statusCode() + " " + response.body())));
    }

    private static JsonObject assertProblem(int status, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElse(""), response.body());
        JsonObject problem = Http.json(response).asJsonObject();
        assertEquals(status, problem.getInt("status"));
        assertFalse(response.body().contains("Exception"), response.body());
        return problem;
    }

    private static void assertRule(String rule, HttpResponse<String> response) {
        assertEquals("/problems/" + rule, assertProblem(409, response).getString("type"));
    }
}
