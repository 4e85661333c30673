package dev.pgevents.it.dcb;

import static dev.pgevents.it.dcb.DcbApiIT.ev;
import static dev.pgevents.it.dcb.DcbApiIT.list;
import static dev.pgevents.it.dcb.DcbApiIT.one;
import static dev.pgevents.it.dcb.DcbApiIT.types;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pgevents.eventstore.jdbc.AppendProtocol;
import dev.pgevents.it.Http;
import dev.pgevents.it.TestEnvironmentExtension;
import dev.pgevents.testsupport.TestDatabase;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The guarantees of issue 7 over HTTP, with the API in anonymous mode (as for a local run of the
 * public DCB suite): conditional appends stay consistent under 24 parallel clients on overlapping
 * queries, and reads are monotonic while writers commit out of order (forced by transactions held
 * open on direct JDBC connections that follow the store's writer protocol), and slow readers do
 * not starve the application.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DcbGuaranteesIT {

    private static final int SLOW_READERS = 30;
    private static final int SLOW_READ_EVENTS = 4_000;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return DcbDeployments.withApi(true);
    }

    @ArquillianResource
    URL base;

    DcbClient dcb;
    String p;

    @BeforeEach
    void setUp() {
        dcb = DcbClient.anonymous(base);
        p = "g" + UUID.randomUUID().toString().substring(0, 8) + "-";
    }

    @Test
    void anonymousModeNeedsNoCredentials() {
        dcb.appendOk(one(p + "A", "x"));
        assertEquals(1, dcb.events(types(p + "A"), null).size());
    }

    // ------------------------------------------------------------------------------ consistency

    /** An item of a query, evaluated in memory as the store defines it. */
    record Item(List<String> types, List<String> tags) {
        boolean matches(String type, Set<String> eventTags) {
            return (types.isEmpty() || types.contains(type)) && eventTags.containsAll(tags);
        }

        String json() {
            return "{\"types\":" + list(types.toArray(String[]::new)) + ",\"tags\":" + list(tags.toArray(String[]::new)) + "}";
        }
    }

    record Attempt(List<Item> query, long after, List<UUID> ids, boolean failed) {
        boolean matches(String type, Set<String> tags) {
            return query.stream().anyMatch(i -> i.matches(type, tags));
        }
    }

    record Stored(long position, UUID id, String type, Set<String> tags) {
    }

    @Test
    void everySuccessfulConditionalAppendHadNoMatchingEventBetweenItsAfterAndItsPosition() throws Exception {
        List<String> typeNames = List.of(p + "A", p + "B", p + "C");
        List<String> tagNames = List.of(p + "t0", p + "t1", p + "t2", p + "t3");
        int clients = 24;
        int appendsPerClient = 12;
        ConcurrentLinkedQueue<Attempt> attempts = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                futures.add(pool.submit(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int i = 0; i < appendsPerClient; i++) {
                        List<Item> query = new ArrayList<>();
                        int items = 1 + random.nextInt(2);
                        for (int k = 0; k < items; k++) {
                            List<String> ts = pick(typeNames, random.nextInt(3), random);
                            List<String> gs = pick(tagNames, ts.isEmpty() ? 1 + random.nextInt(2) : random.nextInt(3), random);
                            query.add(new Item(ts, gs));
                        }
                        String queryJson = "{\"items\":[" + String.join(",", query.stream().map(Item::json).toList()) + "]}";
                        JsonArray last = dcb.events(queryJson, "{\"backwards\":true,\"limit\":1}");
                        long after = last.isEmpty() ? 0 : last.getJsonObject(0).getJsonNumber("position").longValue();
                        int n = 1 + random.nextInt(2);
                        List<UUID> ids = new ArrayList<>();
                        StringBuilder body = new StringBuilder("{\"events\":[");
                        for (int e = 0; e < n; e++) {
                            UUID id = UUID.randomUUID();
                            ids.add(id);
                            body.append(e == 0 ? "" : ",").append("{\"id\":\"").append(id).append("\",\"type\":\"")
                                    .append(typeNames.get(random.nextInt(typeNames.size()))).append("\",\"tags\":")
                                    .append(list(pick(tagNames, random.nextInt(3), random).toArray(String[]::new)))
                                    .append(",\"data\":\"{\\\"after\\\":").append(after).append("}\"}");
                        }
                        body.append("],\"condition\":{\"failIfEventsMatch\":").append(queryJson)
                                .append(after == 0 ? "" : ",\"after\":" + after).append("}}");
                        JsonObject answer = dcb.appended(body.toString());
                        attempts.add(new Attempt(query, after, ids, answer.getBoolean("appendConditionFailed")));
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }

        // every position at or below the safe watermark once all writers are done: read it all
        JsonArray all = dcb.events(types(typeNames.toArray(String[]::new)), null);
        List<Stored> log = new ArrayList<>();
        Map<UUID, Long> positionOf = new HashMap<>();
        for (JsonValue v : all) {
            JsonObject e = v.asJsonObject();
            Stored s = new Stored(e.getJsonNumber("position").longValue(), UUID.fromString(e.getString("id")),
                    e.getString("type"), new HashSet<>(DcbApiIT.strings(e.getJsonArray("tags"))));
            log.add(s);
            positionOf.put(s.id, s.position);
        }
        int succeeded = 0;
        int failed = 0;
        int expectedEvents = 0;
        for (Attempt a : attempts) {
            if (a.failed) {
                failed++;
                for (UUID id : a.ids) {
                    assertFalse(positionOf.containsKey(id), "a failed append appended nothing");
                }
                assertTrue(log.stream().anyMatch(e -> e.position > a.after && a.matches(e.type, e.tags)),
                        "a failed condition had a matching event after " + a.after + ": " + a.query);
                continue;
            }
            succeeded++;
            expectedEvents += a.ids.size();
            long own = Long.MAX_VALUE;
            for (UUID id : a.ids) {
                Long position = positionOf.get(id);
                if (position == null) {
                    fail("a successful append's event is missing: " + id);
                }
                own = Math.min(own, position);
            }
            long first = own;
            List<Stored> between = log.stream()
                    .filter(e -> e.position > a.after && e.position < first && a.matches(e.type, e.tags)).toList();
            assertTrue(between.isEmpty(), "condition " + a.query + " after " + a.after + " held at " + first
                    + " although these matched: " + between);
        }
        assertEquals(clients * appendsPerClient, succeeded + failed);
        assertEquals(expectedEvents, log.size(), "exactly the events of the successful appends");
        assertTrue(succeeded > 0 && failed > 0, "overlapping queries conflicted: " + succeeded + " ok, " + failed + " failed");
    }

    private static List<String> pick(List<String> from, int n, ThreadLocalRandom random) {
        List<String> copy = new ArrayList<>(from);
        java.util.Collections.shuffle(copy, random);
        return List.copyOf(copy.subList(0, Math.min(n, copy.size())));
    }

    // ------------------------------------------------------------------------------ deadlocks

    /**
     * A real deadlock (issue 11): another transaction holds the writer key the append takes
     * second, the append takes its first key and waits, and that transaction then asks for the
     * append's first key. The other session's deadlock_timeout is long, so PostgreSQL aborts the
     * append's transaction (40P01). The API runs the append again in a new transaction, which
     * waits until the other transaction commits and then appends: 200, the event stored once.
     */
    @Test
    void anAppendThatLosesADeadlockIsRetriedInANewTransaction() throws Exception {
        String type = p + "D";
        String a = p + "x";
        String b = p + "y";
        long first = Math.min(AppendProtocol.key("tag:" + a), AppendProtocol.key("tag:" + b));
        long second = Math.max(AppendProtocol.key("tag:" + a), AppendProtocol.key("tag:" + b));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Connection other = TestDatabase.server().connect(TestEnvironmentExtension.DATABASE)) {
            other.setAutoCommit(false);
            try (var st = other.createStatement()) {
                st.execute("SET deadlock_timeout = '60s'");
            }
            lock(other, second);
            Future<java.net.http.HttpResponse<String>> append = pool.submit(() -> dcb.append(
                    "{\"events\":[" + ev(type, "raced", a, b) + "]}"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (waitingForAdvisoryLocks(other) == 0) {
                assertTrue(System.nanoTime() < deadline, "the append waits for the key the other transaction holds");
                Thread.onSpinWait();
            }
            lock(other, first); // returns once PostgreSQL aborted the append's transaction
            assertFalse(append.isDone(), "the append is retried, and its new transaction waits for this one");
            other.commit();
            java.net.http.HttpResponse<String> answer = append.get(60, TimeUnit.SECONDS);
            assertEquals(200, answer.statusCode(), answer.body());
            assertFalse(DcbClient.json(answer.body()).asJsonObject().getBoolean("appendConditionFailed"));
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of("raced"), DcbApiIT.datas(dcb.events(types(type), null)));
    }

    private static void lock(Connection c, long key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?, ?)")) {
            ps.setInt(1, (int) (key >>> 32));
            ps.setInt(2, (int) key);
            ps.execute();
        }
    }

    private static int waitingForAdvisoryLocks(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                + " AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    // ------------------------------------------------------------------------- monotonic reads

    @Test
    void anEventCommittedBelowAnotherOnlyBecomesVisibleWithAllEventsAboveItInOrder() throws Exception {
        String type = p + "M";
        try (Connection held = TestDatabase.server().connect(TestEnvironmentExtension.DATABASE)) {
            long low = insertHeld(held, type, "low");
            dcb.appendOk(one(type, "high")); // committed, position above the held one
            assertEquals(List.of(), positions(dcb.events(types(type), null)), "nothing above an in-flight writer");
            assertEquals(List.of(), positions(dcb.events(types(type), "{\"backwards\":true,\"limit\":1}")));
            assertEquals(List.of(), positions(dcb.events("{\"items\":[]}", "{\"from\":" + low + "}")));
            held.commit();
            List<Long> both = positions(dcb.events(types(type), null));
            assertEquals(2, both.size());
            assertEquals(low, both.get(0));
            assertTrue(both.get(1) > low);
        }
        // a held writer that rolls back leaves a gap, and the watermark moves past it
        try (Connection held = TestDatabase.server().connect(TestEnvironmentExtension.DATABASE)) {
            insertHeld(held, type, "rolled back");
            dcb.appendOk(one(type, "after the gap"));
            assertEquals(2, dcb.events(types(type), null).size());
            held.rollback();
            assertEquals(List.of("low", "high", "after the gap"), DcbApiIT.datas(dcb.events(types(type), null)));
        }
    }

    @Test
    void readsOfTheNewestEventsNeverShowAnEventBelowOneAlreadyReturned() throws Exception {
        String type = p + "N";
        int httpWriters = 6;
        int appendsPerWriter = 40;
        int slowWriters = 2;
        int slowRounds = 8;
        Object monitor = new Object();
        List<Long> completions = new ArrayList<>(); // begin times of completed HTTP appends
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger outOfOrder = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(httpWriters + slowWriters);
        List<Future<?>> writers = new ArrayList<>();
        try {
            for (int w = 0; w < httpWriters; w++) {
                writers.add(pool.submit(() -> {
                    for (int i = 0; i < appendsPerWriter; i++) {
                        long began = System.nanoTime();
                        dcb.appendOk(one(type, "http"));
                        synchronized (monitor) {
                            completions.add(began);
                            monitor.notifyAll();
                        }
                    }
                    return null;
                }));
            }
            for (int s = 0; s < slowWriters; s++) {
                writers.add(pool.submit(() -> {
                    try (Connection held = TestDatabase.server().connect(TestEnvironmentExtension.DATABASE)) {
                        for (int r = 0; r < slowRounds; r++) {
                            insertHeld(held, type, "slow");
                            long inserted = System.nanoTime();
                            // commit only once 3 HTTP appends that began after the insert (so drew
                            // higher positions) have committed: an out-of-order commit
                            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                            synchronized (monitor) {
                                while (completions.stream().filter(t -> t > inserted).count() < 3) {
                                    long left = deadline - System.nanoTime();
                                    if (left <= 0 || completions.size() == httpWriters * appendsPerWriter) {
                                        break;
                                    }
                                    TimeUnit.NANOSECONDS.timedWait(monitor, left);
                                }
                                if (completions.stream().filter(t -> t > inserted).count() >= 3) {
                                    outOfOrder.incrementAndGet();
                                }
                            }
                            held.commit();
                        }
                    }
                    return null;
                }));
            }
            Future<?> stop = pool.submit(() -> {
                try {
                    for (Future<?> f : writers) {
                        f.get(5, TimeUnit.MINUTES);
                    }
                } finally {
                    writing.set(false);
                }
                return null;
            });

            List<Long> previous = List.of();
            List<Long> previousWindow = List.of();
            int polls = 0;
            boolean last = false;
            while (!last) {
                last = !writing.get(); // one more read after the writers are done
                List<Long> now = positions(dcb.events(types(type), null));
                for (int i = 1; i < now.size(); i++) {
                    assertTrue(now.get(i - 1) < now.get(i), "ascending: " + now);
                }
                assertTrue(now.size() >= previous.size() && now.subList(0, previous.size()).equals(previous),
                        "read " + polls + " is not an extension of the previous one: before " + previous + ", now " + now);
                List<Long> window = positions(dcb.events(types(type), "{\"backwards\":true,\"limit\":20}"));
                if (!previousWindow.isEmpty()) {
                    long min = previousWindow.get(previousWindow.size() - 1);
                    long max = previousWindow.get(0);
                    for (long position : window) {
                        assertTrue(position < min || position > max || previousWindow.contains(position),
                                "position " + position + " appeared inside an earlier window " + previousWindow);
                    }
                }
                previous = now;
                previousWindow = window;
                polls++;
            }
            stop.get(1, TimeUnit.MINUTES);
            assertEquals(httpWriters * appendsPerWriter + slowWriters * slowRounds, previous.size(),
                    "the last read shows every event");
            assertTrue(outOfOrder.get() > 0, "some held writers committed after later positions had committed");
            assertTrue(polls > 1);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * An append by the store's writer protocol on a connection whose transaction stays open:
     * shared writer locks and the watermark mark (es_lock_keys), then the insert.
     */
    static long insertHeld(Connection c, String type, String data) throws SQLException {
        c.setAutoCommit(false);
        try (var st = c.createStatement()) {
            st.execute(AppendProtocol.writerLockStatement(List.of(type), List.of()));
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO es_event (position, event_id, type, tags, payload, metadata)"
                + " VALUES (nextval('es_position_seq'), ?, ?, '{}', ?::jsonb, ?::jsonb) RETURNING position")) {
            ps.setObject(1, UUID.randomUUID());
            ps.setString(2, type);
            ps.setString(3, jakarta.json.Json.createValue(data).toString());
            ps.setString(4, dev.pgevents.dcbapi.DataCodec.TEXT_METADATA); // data is text, as the API stores it
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static List<Long> positions(JsonArray events) {
        return events.stream().map(v -> v.asJsonObject().getJsonNumber("position").longValue()).toList();
    }

    // ------------------------------------------------------------------------------- slow readers

    /**
     * Slow /dcb readers do not starve the application (issue 12, item 4): 30 clients start a read of
     * about 8 MB and stop reading after its first bytes (their sockets have small receive buffers,
     * so the server cannot finish writing), and stay stopped until the courses commands issued
     * meanwhile have been answered. Those commands must succeed (with reads holding pooled
     * connections they waited for the pool and got 503). Then every reader finishes, retrying when
     * the server answered 503 (over the concurrent-read cap), and every answer is complete and exact.
     */
    @Test
    void thirtySlowReadersLeaveCommandsServedAndAllGetCompleteAnswers() throws Exception {
        String slow = "slow" + UUID.randomUUID().toString().substring(0, 8);
        StringBuilder body = new StringBuilder(SLOW_READ_EVENTS * 2_200).append("{\"events\":[");
        String pad = "x".repeat(2_000);
        for (int i = 0; i < SLOW_READ_EVENTS; i++) {
            body.append(i == 0 ? "" : ",").append("{\"type\":\"").append(slow).append("Big\",\"data\":\"{\\\"i\\\":")
                    .append(i).append(",\\\"pad\\\":\\\"").append(pad).append("\\\"}\"}");
        }
        dcb.appendOk(body.append("]}").toString());
        String query = "{\"items\":[{\"types\":[\"" + slow + "Big\"]}]}";
        List<Long> expected = dcb.events(query, null).stream()
                .map(v -> v.asJsonObject().getJsonNumber("position").longValue()).toList();
        assertEquals(SLOW_READ_EVENTS, expected.size());

        Http api = new Http(base);
        String course = slow + "-c";
        assertEquals(201, api.post("api/courses", "application/json",
                "{\"courseId\":\"" + course + "\",\"name\":\"Slow\",\"capacity\":" + SLOW_READERS + "}").statusCode());
        int commands = 10;
        for (int i = 0; i < commands; i++) {
            assertEquals(201, api.post("api/students", "application/json",
                    "{\"studentId\":\"" + slow + "-s" + i + "\",\"name\":\"S\"}").statusCode());
        }

        String path = "/dcb/read?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8);
        CountDownLatch started = new CountDownLatch(SLOW_READERS);
        CountDownLatch commandsDone = new CountDownLatch(1);
        AtomicInteger retried = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(SLOW_READERS);
        try {
            List<Future<List<Long>>> readers = new ArrayList<>();
            for (int r = 0; r < SLOW_READERS; r++) {
                readers.add(pool.submit(() -> slowRead(path, started, commandsDone, retried)));
            }
            assertTrue(started.await(60, TimeUnit.SECONDS), "every reader got its first answer");
            // the readers are stalled now: the streaming ones mid-answer, the others refused
            for (int i = 0; i < commands; i++) {
                HttpResponse<String> r = api.post("api/courses/" + course + "/subscriptions", "application/json",
                        "{\"studentId\":\"" + slow + "-s" + i + "\"}");
                assertEquals(201, r.statusCode(), "a command while slow readers stream: " + r.body());
            }
            commandsDone.countDown();
            for (Future<List<Long>> reader : readers) {
                assertEquals(expected, reader.get(120, TimeUnit.SECONDS), "a complete answer, each position once, in order");
            }
        } finally {
            commandsDone.countDown();
            pool.shutdownNow();
        }
        assertTrue(retried.get() > 0, "more readers than the cap: some were told to retry");
    }

    /**
     * One slow client: a raw HTTP/1.1 request on a socket with a small receive buffer; after the
     * first bytes of a 200 it stops reading until the commands were answered. A 503 (over the
     * cap) must say Retry-After; the client retries once the commands were answered.
     */
    private List<Long> slowRead(String path, CountDownLatch started, CountDownLatch commandsDone, AtomicInteger retried)
            throws Exception {
        boolean first = true;
        while (true) {
            try (Socket socket = new Socket()) {
                socket.setReceiveBufferSize(4096);
                socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
                socket.setSoTimeout(120_000);
                OutputStream out = socket.getOutputStream();
                out.write(("GET " + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                String head = head(in);
                int status = Integer.parseInt(head.substring(9, 12));
                if (first) {
                    first = false;
                    started.countDown();
                }
                if (status == 503) {
                    assertTrue(head.toLowerCase().contains("\r\nretry-after: "), head);
                    retried.incrementAndGet();
                    commandsDone.await();
                    continue;
                }
                assertEquals(200, status, head);
                assertTrue(head.toLowerCase().contains("transfer-encoding: chunked"), head);
                InputStream chunks = new Chunked(in);
                byte[] start = chunks.readNBytes(1_000);
                commandsDone.await();
                return streamedPositions(new SequenceInputStream(new ByteArrayInputStream(start), chunks));
            }
        }
    }

    private static List<Long> streamedPositions(InputStream body) {
        List<Long> positions = new ArrayList<>();
        try (JsonParser parser = Json.createParser(body)) {
            while (parser.hasNext()) {
                JsonParser.Event e = parser.next();
                if (e == JsonParser.Event.KEY_NAME && "position".equals(parser.getString())) {
                    parser.next();
                    positions.add(parser.getLong());
                }
            }
        } catch (jakarta.json.stream.JsonParsingException e) {
            throw new AssertionError("the answer is not complete JSON", e);
        }
        return positions;
    }

    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed in the headers: " + b);
            }
            b.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1
                    : c == '\r' ? 1 : 0;
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    /** The body of a chunked HTTP/1.1 answer; ends at the last chunk, fails on a cut-off one. */
    private static final class Chunked extends InputStream {
        private final InputStream in;
        private long left;
        private boolean end;

        Chunked(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (end) {
                return -1;
            }
            if (left == 0) {
                String size = line();
                int semicolon = size.indexOf(';');
                left = Long.parseLong(semicolon < 0 ? size.trim() : size.substring(0, semicolon).trim(), 16);
                if (left == 0) {
                    end = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new IOException("the answer was cut off inside a chunk");
            }
            left -= n;
            if (left == 0) {
                line(); // the CRLF after the chunk
            }
            return n;
        }

        private String line() throws IOException {
            StringBuilder b = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new IOException("the answer was cut off between chunks");
                }
                if (c != '\r') {
                    b.append((char) c);
                }
            }
            return b.toString();
        }
    }
}
