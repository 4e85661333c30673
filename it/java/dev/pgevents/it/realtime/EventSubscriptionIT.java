package dev.pgevents.it.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.eventstore.jdbc.AppendProtocol;
import dev.pgevents.it.Await;
import dev.pgevents.it.TestEnvironmentExtension;
import dev.pgevents.subscription.SseOutbox;
import dev.pgevents.testsupport.TestDatabase;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
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
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
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

/**
 * {@code GET /dcb/subscribe} against the real WAR (issue 17): catch-up then live in position
 * order while writers commit out of order, reconnecting with Last-Event-ID, 200 subscribers at
 * once, and a client that never reads.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class EventSubscriptionIT {

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
    String p;

    @BeforeEach
    void setUp() {
        root = URI.create(base.toString()).resolve("/");
        p = "r" + UUID.randomUUID().toString().substring(0, 8) + "-";
    }

    // ------------------------------------------------------------------------------- the API

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

    // ------------------------------------------------------------------------------- guarantees

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
            for (int i = 0; i < 40; i++) {
                append(type, 50, 8 * 1024);
            }
            Await.until("the reading subscriber has all 2000 events", WAIT, () -> reader.size() >= 2000);
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

    // ------------------------------------------------------------------------------- helpers

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
