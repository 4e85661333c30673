package dev.pgevents.it.dcb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.it.Http;
import jakarta.json.Json;
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
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Slow /dcb readers do not starve the application (issue 12, item 4): 30 clients start a read of
 * about 8 MB and stop reading after its first bytes (their sockets have small receive buffers,
 * so the server cannot finish writing), and stay stopped until the courses commands issued
 * meanwhile have been answered. Those commands must succeed (with reads holding pooled
 * connections they waited for the pool and got 503). Then every reader finishes, retrying when
 * the server answered 503 (over the concurrent-read cap), and every answer is complete and exact.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DcbSlowReadersIT {

    private static final int READERS = 30;
    private static final int EVENTS = 4_000;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return DcbDeployments.withApi(true);
    }

    @ArquillianResource
    URL base;

    @Test
    void thirtySlowReadersLeaveCommandsServedAndAllGetCompleteAnswers() throws Exception {
        String p = "slow" + UUID.randomUUID().toString().substring(0, 8);
        DcbClient dcb = DcbClient.anonymous(base);
        StringBuilder body = new StringBuilder(EVENTS * 2_200).append("{\"events\":[");
        String pad = "x".repeat(2_000);
        for (int i = 0; i < EVENTS; i++) {
            body.append(i == 0 ? "" : ",").append("{\"type\":\"").append(p).append("Big\",\"data\":\"{\\\"i\\\":")
                    .append(i).append(",\\\"pad\\\":\\\"").append(pad).append("\\\"}\"}");
        }
        dcb.appendOk(body.append("]}").toString());
        String query = "{\"items\":[{\"types\":[\"" + p + "Big\"]}]}";
        List<Long> expected = dcb.events(query, null).stream()
                .map(v -> v.asJsonObject().getJsonNumber("position").longValue()).toList();
        assertEquals(EVENTS, expected.size());

        Http api = new Http(base);
        String course = p + "-c";
        assertEquals(201, api.post("api/courses", "application/json",
                "{\"courseId\":\"" + course + "\",\"name\":\"Slow\",\"capacity\":" + READERS + "}").statusCode());
        int commands = 10;
        for (int i = 0; i < commands; i++) {
            assertEquals(201, api.post("api/students", "application/json",
                    "{\"studentId\":\"" + p + "-s" + i + "\",\"name\":\"S\"}").statusCode());
        }

        String path = "/dcb/read?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8);
        CountDownLatch started = new CountDownLatch(READERS);
        CountDownLatch commandsDone = new CountDownLatch(1);
        AtomicInteger retried = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(READERS);
        try {
            List<Future<List<Long>>> readers = new ArrayList<>();
            for (int r = 0; r < READERS; r++) {
                readers.add(pool.submit(() -> read(path, started, commandsDone, retried)));
            }
            assertTrue(started.await(60, TimeUnit.SECONDS), "every reader got its first answer");
            // the readers are stalled now: the streaming ones mid-answer, the others refused
            for (int i = 0; i < commands; i++) {
                HttpResponse<String> r = api.post("api/courses/" + course + "/subscriptions", "application/json",
                        "{\"studentId\":\"" + p + "-s" + i + "\"}");
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
    private List<Long> read(String path, CountDownLatch started, CountDownLatch commandsDone, AtomicInteger retried)
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
                return positions(new SequenceInputStream(new ByteArrayInputStream(start), chunks));
            }
        }
    }

    private static List<Long> positions(InputStream body) {
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
