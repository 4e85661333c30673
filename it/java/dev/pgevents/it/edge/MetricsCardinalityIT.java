package dev.pgevents.it.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.it.Deployments;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hostile request lines cannot grow the server's memory: made-up methods, random paths and random
 * Host headers, on the application and on Liberty's own /metrics and /health, create no metric
 * series. Runs in the server (heap after a full GC through the MemoryMXBean), sending raw HTTP
 * over loopback.
 */
@ExtendWith(ArquillianExtension.class)
class MetricsCardinalityIT {

    private static final int REQUESTS = 20_000;
    private static final int ROUND = 1_000;
    private static final String[] KNOWN_METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"};

    @Deployment
    static WebArchive deployment() {
        return Deployments.application();
    }

    @ArquillianResource
    URL base;

    @Test
    void madeUpMethodsPathsAndHostsCreateNoMetricSeriesAndLeaveTheHeapFlat() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            send(clients, ROUND); // warm-up: every code path once, so lazily created series exist
            Set<String> before = series();
            long heapBefore = heapAfterGc();
            for (int sent = 0; sent < REQUESTS; sent += ROUND) {
                send(clients, ROUND);
                // checked every round: before the fix, 20,000 requests would exhaust the heap
                Set<String> after = series();
                assertEquals(before, after, "new series after " + (sent + ROUND) + " hostile requests: "
                        + after.stream().filter(s -> !before.contains(s)).limit(5).toList());
            }
            long heapAfter = heapAfterGc();
            System.out.printf("MetricsCardinalityIT: %d series; heap after GC %d MB before, %d MB after %d requests%n",
                    before.size(), heapBefore >> 20, heapAfter >> 20, REQUESTS);
            assertTrue(heapAfter < heapBefore * 1.10, "heap after GC grew from " + heapBefore + " to " + heapAfter);
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void anUnknownMethodIsRefusedWith501ProblemJson() throws IOException {
        String answer = exchange("M1234", "/api/courses", base.getHost());
        assertTrue(answer.startsWith("HTTP/1.1 501"), answer);
        assertTrue(answer.contains("Content-Type: application/problem+json"), answer);
        assertTrue(answer.contains("\"status\":501"), answer);
    }

    private void send(ExecutorService clients, int count) throws Exception {
        List<Future<?>> sent = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            sent.add(clients.submit(() -> {
                for (int j = 0; j < count / 4; j++) {
                    exchange(randomMethod(), randomPath(), randomHost());
                }
                return null;
            }));
        }
        for (Future<?> f : sent) {
            f.get();
        }
    }

    private static String randomMethod() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return random.nextBoolean() ? KNOWN_METHODS[random.nextInt(KNOWN_METHODS.length)] : "M" + random.nextLong(1L << 40);
    }

    private static String randomPath() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String token = Long.toString(random.nextLong(1L << 40), 36);
        return switch (random.nextInt(6)) {
            case 0 -> "/api/courses/" + token;
            case 1 -> "/" + token;
            case 2 -> "/api/" + token + "/" + token;
            case 3 -> "/metrics/" + token;
            case 4 -> "/health/" + token;
            default -> "/dcb/" + token;
        };
    }

    private String randomHost() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return random.nextInt(4) == 0 ? "h" + random.nextLong(1L << 40) + ".example:" + random.nextInt(1, 65535) : base.getHost();
    }

    /** One request on its own connection; the whole answer as text. */
    private String exchange(String method, String path, String host) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", base.getPort()), 5_000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write((method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: 0\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Every series in /metrics: a metric name with its labels, without the value. */
    private Set<String> series() throws IOException {
        String metrics;
        try (InputStream in = new URL(base, "/metrics").openStream()) {
            metrics = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        return metrics.lines()
                .filter(line -> !line.isBlank() && !line.startsWith("#"))
                .map(line -> line.substring(0, line.lastIndexOf(' ')))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static long heapAfterGc() {
        var memory = ManagementFactory.getMemoryMXBean();
        memory.gc();
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }
}
