package dev.pgevents.it.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.eventstore.jdbc.AppendProtocol;
import dev.pgevents.it.Await;
import dev.pgevents.it.Http;
import dev.pgevents.it.TestEnvironmentExtension;
import dev.pgevents.subscription.SseOutbox;
import dev.pgevents.subscription.client.SseMessage;
import dev.pgevents.subscription.client.SubscriptionClient;
import dev.pgevents.testsupport.TestDatabase;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Live streams against the real WAR (issue 17), in one deployment: {@code GET /dcb/subscribe}
 * (catch-up then live in position order while writers commit out of order, reconnecting with
 * Last-Event-ID, 200 subscribers at once, a client that never reads); the course catalogue live
 * ({@code /api/courses/changes} and {@code /api/courses/{id}/changes}: a snapshot equal to the
 * GET answers, then an upsert per change with the position of the event that caused it); and the
 * live page in a real browser (headless Debian Chromium over WebDriver: the board's free seats
 * change within a second of a subscription; a screenshot goes to target/live-page.png).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class RealtimeIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Deployment(testable = false)
    static WebArchive deployment() {
        return RealtimeDeployments.application();
    }

    @ArquillianResource
    URL base;

    URI root;
    Http http;
    /** A prefix of this test's event types. */
    String p;
    /** A course of this test's own. */
    String course;

    @BeforeEach
    void setUp() {
        root = URI.create(base.toString()).resolve("/");
        http = new Http(base).serverRoot();
        p = "r" + UUID.randomUUID().toString().substring(0, 8) + "-";
        course = "c" + UUID.randomUUID().toString().substring(0, 8);
    }

    // ------------------------------------------------------------------------------- /dcb/subscribe: the API

    @Test
    void subscribeHasTheAccessRulesAndInputChecksOfRead() throws Exception {
        String query = URLEncoder.encode(types(p + "A"), StandardCharsets.UTF_8);
        HttpResponse<String> anonymous = HTTP.send(HttpRequest.newBuilder(root.resolve("dcb/subscribe?query=" + query))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, anonymous.statusCode(), anonymous.body());
        HttpResponse<String> badQuery = get("dcb/subscribe?query=" + URLEncoder.encode("{\"items\":3}", StandardCharsets.UTF_8));
        assertEquals(400, badQuery.statusCode(), badQuery.body());
        assertTrue(badQuery.body().contains("query.items must be an array"), badQuery.body());
        assertTrue(badQuery.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        HttpResponse<String> badAfter = get("dcb/subscribe?query=" + query + "&after=-1");
        assertEquals(400, badAfter.statusCode(), badAfter.body());
        assertTrue(badAfter.body().contains("after must be a position"), badAfter.body());
        HttpResponse<Void> head = HTTP.send(request("dcb/subscribe?query=" + query).method("HEAD",
                HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(200, head.statusCode());
        HttpResponse<String> badLastId = HTTP.send(request("dcb/subscribe?query=" + query).header("Last-Event-ID", "x").GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, badLastId.statusCode(), badLastId.body());
        assertTrue(badLastId.body().contains("the Last-Event-ID header must be a position"), badLastId.body());
    }

    @Test
    void eachMessageIsTheEventAsReadReturnsItWithItsPositionAsId() throws Exception {
        append(p + "A", 3, 10);
        try (EventStream s = new EventStream(HTTP, root, types(p + "A"), null, null)) {
            Await.until("3 events", WAIT, () -> s.size() == 3);
            assertEquals(read(types(p + "A")), s.events());
            Await.until("a heartbeat comment", WAIT, () -> s.comments() > 0);
        }
    }

    // ------------------------------------------------------------------------------- /dcb/subscribe: guarantees

    /**
     * Writers that hold their transaction open while later positions commit (direct JDBC by the
     * store's writer protocol) and eight HTTP writers, while a subscriber catches up from position
     * 0 and follows live: it receives every matching event exactly once, in position order.
     */
    @Test
    void catchUpThenLiveWithWritersCommittingOutOfOrderDeliversEveryEventOnceInOrder() throws Exception {
        String type = p + "E";
        append(type, 50, 10);
        try (EventStream s = new EventStream(HTTP, root, types(type), null, null);
             Connection held = TestDatabase.server().connect(TestEnvironmentExtension.DATABASE)) {
            // one writer in flight below a committed later event: the subscriber must wait for it
            long heldPosition = insertHeld(held, type);
            append(type, 1, 10);
            long later = lastCommitted(type); // a /dcb read would stop below the held writer
            assertTrue(later > heldPosition);
            Await.until("the catch-up", WAIT, () -> s.size() >= 50);
            assertTrue(s.positions().stream().noneMatch(x -> x >= heldPosition),
                    "nothing at or after the in-flight writer's position before it commits: " + s.positions());
            held.commit();
            Await.until("the held event and the later one", WAIT, () -> s.positions().contains(later));

            ExecutorService pool = Executors.newFixedThreadPool(10);
            try {
                List<Future<?>> writers = new ArrayList<>();
                for (int w = 0; w < 8; w++) {
                    writers.add(pool.submit(() -> {
                        for (int i = 0; i < 20; i++) {
                            append(type, 1 + i % 3, 10);
                        }
                        return null;
                    }));
                }
                for (int w = 0; w < 2; w++) {
                    writers.add(pool.submit(() -> {
                        try (Connection c = TestDatabase.server().connect(TestEnvironmentExtension.DATABASE)) {
                            for (int i = 0; i < 10; i++) {
                                insertHeld(c, type);
                                append(type, 1, 10); // commits above the held position
                                c.commit();
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : writers) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            List<Long> expected = positions(read(types(type)));
            Await.until(expected.size() + " events", WAIT, () -> s.size() >= expected.size());
            assertEquals(expected, s.positions(), "every event once, in position order");
        }
    }

    @Test
    void reconnectingWithLastEventIdContinuesWithoutGapOrDuplicate() throws Exception {
        String type = p + "R";
        append(type, 30, 10);
        List<Long> first;
        String lastId;
        try (EventStream a = new EventStream(HTTP, root, types(type), null, null)) {
            Await.until("some events", WAIT, () -> a.size() >= 10);
            a.close();
            first = a.positions();
            lastId = a.client.lastEventId();
        }
        assertEquals(String.valueOf(first.get(first.size() - 1)), lastId);
        try (EventStream b = new EventStream(HTTP, root, types(type), 0L, lastId)) { // the header wins over after=0
            append(type, 10, 10);
            Await.until("40 events in all", WAIT, () -> first.size() + b.size() >= 40);
            List<Long> all = new ArrayList<>(first);
            all.addAll(b.positions());
            assertEquals(positions(read(types(type))), all);
        }
    }

    /**
     * 200 subscribers at once all receive every event, while the server's thread count grows by
     * far less than one per subscriber (base metric thread.count).
     */
    @Test
    void twoHundredSubscribersAllReceiveEveryEventWithBoundedThreads() throws Exception {
        String type = p + "M";
        append(type, 20, 10);
        long threadsBefore = serverThreads();
        List<EventStream> streams = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                streams.add(new EventStream(HTTP, root, types(type), null, null));
            }
            Await.until("every subscriber caught up", WAIT, () -> streams.stream().allMatch(s -> s.size() >= 20));
            for (int i = 0; i < 10; i++) {
                append(type, 8, 10);
            }
            List<Long> expected = positions(read(types(type)));
            assertEquals(100, expected.size());
            Await.until("every subscriber has every event", WAIT, () -> streams.stream().allMatch(s -> s.size() >= 100));
            for (EventStream s : streams) {
                assertEquals(expected, s.positions());
            }
            long threadsDuring = serverThreads();
            assertTrue(threadsDuring - threadsBefore < 100,
                    "threads before " + threadsBefore + ", with 200 subscribers " + threadsDuring);
        } finally {
            streams.forEach(EventStream::close);
        }
    }

    /**
     * A client that never reads (a raw socket with a tiny receive window) while 2,000 events of
     * 8 KB are appended: it is cut off, and an ordinary subscriber receives every event meanwhile.
     * Reading the stalled socket at last shows the events it got, then {@code event: cut-off}
     * saying why, then the end of the stream.
     */
    @Test
    void aClientThatDoesNotReadIsCutOffWithoutStallingOthers() throws Exception {
        String type = p + "S";
        try (Socket stalled = new Socket();
             EventStream reader = new EventStream(HTTP, root, types(type), null, null)) {
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new java.net.InetSocketAddress(root.getHost(), root.getPort()));
            OutputStream out = stalled.getOutputStream();
            out.write(("GET /dcb/subscribe?query=" + URLEncoder.encode(types(type), StandardCharsets.UTF_8)
                    + " HTTP/1.1\r\nHost: " + root.getHost() + "\r\nAuthorization: " + EventStream.AUTHORIZATION
                    + "\r\nAccept: text/event-stream\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // Each append waits for the reader to have the one before: a reader on a busy machine is
            // then never more than one append (50 events) behind, under its buffer of 100, while the
            // stalled client falls further behind with each append.
            for (int i = 0; i < 40; i++) {
                append(type, 50, 8 * 1024);
                int expected = 50 * (i + 1);
                Await.until("the reading subscriber has " + expected + " events", WAIT, () -> reader.size() >= expected);
            }
            assertEquals(positions(read(types(type))), reader.positions());
            assertTrue(reader.others().isEmpty(), "the reading client was not cut off: " + reader.others());

            stalled.setSoTimeout(60_000);
            String received = new String(stalled.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(received.startsWith("HTTP/1.1 200"), received.substring(0, Math.min(200, received.length())));
            int cut = received.indexOf("event: " + SseOutbox.CUT_OFF);
            assertTrue(cut > 0, "the stalled client was cut off");
            assertTrue(received.indexOf("the client read too slowly", cut) > 0, received.substring(cut));
            long delivered = received.lines().filter(l -> l.startsWith("id:")).count();
            assertTrue(delivered < 2000, delivered + " events reached the stalled client");
        }
    }

    // ------------------------------------------------------------------------------- the course catalogue live

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
    void anUnknownCourseIs404() throws Exception {
        HttpResponse<String> r = http.get("/api/courses/" + course + "/changes");
        assertEquals(404, r.statusCode(), r.body());
        assertTrue(r.body().contains("course " + course + " does not exist"), r.body());
        assertEquals(404, HTTP.send(HttpRequest.newBuilder(root.resolve("api/courses/" + course + "/changes"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode());
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

    // ------------------------------------------------------------------------------- the live page

    @Test
    void theBoardShowsASubscriptionWithinASecond() throws Exception {
        String student = course + "-ada";
        long defined = position(http.post("/api/courses", "application/json",
                "{\"courseId\":\"" + course + "\",\"name\":\"Live algebra\",\"capacity\":3}"));
        position(http.post("/api/students", "application/json",
                "{\"studentId\":\"" + student + "\",\"name\":\"Ada\"}"));
        http.get("/api/courses/" + course + "?minPosition=" + defined);

        ChromeDriver browser = Chromium.start(Path.of("target"));
        try {
            browser.get(base.toURI().resolve("/live/").toString());
            Await.until("the board shows the course with 3 free seats", Duration.ofSeconds(30),
                    () -> "3".equals(seats(browser, course)));
            Await.until("the page is live", Duration.ofSeconds(10),
                    () -> "live".equals(browser.findElement(By.id("status")).getText()));

            position(http.post("/api/courses/" + course + "/subscriptions", "application/json",
                    "{\"studentId\":\"" + student + "\"}"));
            Await.until("the board shows 2 free seats within a second of the subscription", Duration.ofSeconds(1),
                    () -> "2".equals(seats(browser, course)));
            assertTrue(browser.findElement(By.id("feed")).getText().contains(course + ": 2 of 3 seats free"));

            Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
            Files.copy(shot, Path.of("target", "live-page.png"), StandardCopyOption.REPLACE_EXISTING);
        } finally {
            browser.quit();
        }
    }

    @Test
    void thePageIsServedAtLiveSlashAndNothingElseUnderLive() {
        HttpResponse<String> page = http.get("/live/");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<script src=\"live.js\">"), page.body());
        assertEquals(200, http.get("/live/live.js").statusCode());
        HttpResponse<String> redirect = http.get("/live");
        assertTrue(List.of(200, 301).contains(redirect.statusCode()), redirect.statusCode() + " " + redirect.body());
        assertEquals(404, http.get("/live/nothing.html").statusCode());
    }

    /**
     * The free seats the board shows for the course, or null while it has no row: read in one
     * script, since the board replaces its rows at every change (a found element can go stale).
     */
    private static String seats(ChromeDriver browser, String course) {
        return (String) browser.executeScript("const cell = document.querySelector(arguments[0]);"
                + " return cell ? cell.textContent : null;", "tr[data-course-id='" + course + "'] td.seats");
    }

    // ------------------------------------------------------------------------------- /dcb helpers

    static String types(String... types) {
        return "{\"items\":[{\"types\":[\"" + String.join("\",\"", types) + "\"]}]}";
    }

    HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(root.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", EventStream.AUTHORIZATION);
    }

    /** Appends {@code n} events of the type in one request, each with a text data of {@code size} characters. */
    void append(String type, int n, int size) throws Exception {
        String data = "x".repeat(size);
        StringBuilder body = new StringBuilder("{\"events\":[");
        for (int i = 0; i < n; i++) {
            body.append(i == 0 ? "" : ",").append("{\"type\":\"").append(type).append("\",\"tags\":[],\"data\":\"")
                    .append(data).append("\"}");
        }
        body.append("]}");
        HttpResponse<String> r = HTTP.send(request("dcb/append").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
    }

    List<JsonObject> read(String query) throws Exception {
        HttpResponse<String> r = get("dcb/read?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
        assertEquals(200, r.statusCode(), r.body());
        try (var reader = Json.createReader(new StringReader(r.body()))) {
            JsonArray a = reader.readArray();
            return a.stream().map(v -> v.asJsonObject()).toList();
        }
    }

    static List<Long> positions(List<JsonObject> events) {
        return events.stream().map(e -> e.getJsonNumber("position").longValue()).toList();
    }

    static long lastCommitted(String type) throws SQLException {
        try (Connection c = TestDatabase.server().connect(TestEnvironmentExtension.DATABASE);
             PreparedStatement ps = c.prepareStatement("SELECT max(position) FROM es_event WHERE type = ?")) {
            ps.setString(1, type);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The server's live threads (base metric thread.count). */
    long serverThreads() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(root.resolve("metrics?scope=base")).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.body().lines().filter(l -> l.startsWith("thread_count")).mapToLong(l -> (long) Double.parseDouble(
                l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElseThrow(() -> new AssertionError(r.body()));
    }

    /**
     * An append by the store's writer protocol whose transaction stays open (the caller commits):
     * the shared writer locks and the watermark mark, then the insert; returns its position.
     */
    static long insertHeld(Connection c, String type) throws SQLException {
        c.setAutoCommit(false);
        try (var st = c.createStatement()) {
            st.execute(AppendProtocol.writerLockStatement(List.of(type), List.of()));
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO es_event (position, event_id, type, tags, payload, metadata)"
                + " VALUES (nextval('es_position_seq'), ?, ?, '{}', ?::jsonb, ?::jsonb) RETURNING position")) {
            ps.setObject(1, UUID.randomUUID());
            ps.setString(2, type);
            ps.setString(3, Json.createValue("held").toString());
            ps.setString(4, dev.pgevents.dcbapi.DataCodec.TEXT_METADATA);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
