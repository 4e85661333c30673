package dev.pgevents.it.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pgevents.it.Await;
import dev.pgevents.it.Deployments;
import dev.pgevents.subscription.client.SseMessage;
import dev.pgevents.subscription.client.SubscriptionClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Subscription figures (run on purpose: {@code -Dit.test=SubscriptionBenchmarkIT}), default
 * subscription settings, the client in this JVM:
 * <ul>
 *   <li>delivery: {@value #EVENTS} stored events streamed from position 0 to 1, 10 and 100
 *       subscribers at once (time until every one has every event), against the same run's
 *       baseline: one {@code /dcb/read} of the same events;</li>
 *   <li>latency: {@value #SAMPLES} sequential appends of one event with 1 and 10 live subscribers,
 *       from sending the append to the event's arrival at the subscriber, against the same run's
 *       baseline: the append's own round trip (the commit is inside both).</li>
 * </ul>
 * Lines starting "SUBSCRIPTION BENCHMARK" go to stdout and target/subscription-benchmark.txt.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SubscriptionBenchmarkIT {

    static final int EVENTS = 20_000;
    static final int SAMPLES = 300;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Deployment(testable = false)
    static WebArchive deployment() {
        JavaArchive config = ShrinkWrap.create(JavaArchive.class, "benchmark-config.jar")
                .addAsManifestResource(new StringAsset("config_ordinal=500\npgevents.dcb.enabled=true\n"
                        + "pgevents.dcb.anonymous=true\n"), "microprofile-config.properties");
        return Deployments.application().addAsLibrary(config);
    }

    @ArquillianResource
    URL base;

    /** A light subscriber: counts messages, remembers the last id and when each id arrived. */
    static final class Counter implements SubscriptionClient.Handler {
        final AtomicLong count = new AtomicLong();
        final Map<String, Long> arrived = new ConcurrentHashMap<>();
        volatile boolean timeArrivals;

        @Override
        public void onMessage(SseMessage message) {
            if (timeArrivals) {
                arrived.put(message.id(), System.nanoTime());
            }
            count.incrementAndGet();
        }
    }

    @Test
    void deliveryRateAndLatency() throws Exception {
        URI root = URI.create(base.toString()).resolve("/");
        String type = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        String query = "{\"items\":[{\"types\":[\"" + type + "\"]}]}";
        for (int i = 0; i < EVENTS / 500; i++) {
            append(root, type, 500);
        }
        List<String> lines = new ArrayList<>();
        long t0 = System.nanoTime();
        HttpResponse<InputStream> read = HTTP.send(HttpRequest.newBuilder(root.resolve("dcb/read?query="
                + URLEncoder.encode(query, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofInputStream());
        long bytes;
        try (InputStream in = read.body()) {
            bytes = in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        double readRate = EVENTS / seconds(t0);
        lines.add(String.format("baseline: one /dcb/read of %,d events (%,d bytes): %,.0f events/s", EVENTS, bytes, readRate));

        for (int n : new int[] {1, 10, 100}) {
            List<Counter> counters = new ArrayList<>();
            List<SubscriptionClient> clients = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                Counter c = new Counter();
                counters.add(c);
                clients.add(subscribe(root, query, 0, c));
            }
            Await.until(n + " subscribers with every event", Duration.ofMinutes(10),
                    () -> counters.stream().allMatch(c -> c.count.get() >= EVENTS));
            double s = seconds(start);
            clients.forEach(SubscriptionClient::close);
            lines.add(String.format("delivery from position 0 to %d subscriber(s): %,.0f events/s per subscriber,"
                            + " %,.0f events/s in all (%.1f s); %.0f%% of the read baseline per subscriber",
                    n, EVENTS / s, (double) EVENTS * n / s, s, 100 * (EVENTS / s) / readRate));
        }

        long head = EVENTS; // only this type's events matter; subscribe live after them
        for (int n : new int[] {1, 10}) {
            List<Counter> counters = new ArrayList<>();
            List<SubscriptionClient> clients = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Counter c = new Counter();
                c.timeArrivals = true;
                counters.add(c);
                clients.add(subscribe(root, query, 0, c));
            }
            Await.until("caught up", Duration.ofMinutes(5), () -> counters.stream().allMatch(c -> c.count.get() >= head));
            long[] latency = new long[SAMPLES];
            long[] roundTrip = new long[SAMPLES];
            for (int i = 0; i < SAMPLES; i++) {
                long before = counters.get(0).count.get();
                long sent = System.nanoTime();
                append(root, type, 1);
                roundTrip[i] = System.nanoTime() - sent;
                Await.until("the event at every subscriber", Duration.ofSeconds(30),
                        () -> counters.stream().allMatch(c -> c.count.get() > before));
                long lastArrival = 0;
                for (Counter c : counters) {
                    lastArrival = Math.max(lastArrival, c.arrived.values().stream().mapToLong(Long::longValue).max().orElse(0));
                    c.arrived.clear();
                }
                latency[i] = lastArrival - sent;
            }
            clients.forEach(SubscriptionClient::close);
            Arrays.sort(latency);
            Arrays.sort(roundTrip);
            lines.add(String.format("latency, append sent to arrival at the last of %d live subscriber(s), %d samples:"
                            + " p50 %.1f ms, p99 %.1f ms; baseline (the append's round trip) p50 %.1f ms, p99 %.1f ms",
                    n, SAMPLES, ms(latency, 0.50), ms(latency, 0.99), ms(roundTrip, 0.50), ms(roundTrip, 0.99)));
        }
        Path out = Path.of("target", "subscription-benchmark.txt");
        for (String line : lines) {
            System.out.println("SUBSCRIPTION BENCHMARK " + line);
            Files.writeString(out, "SUBSCRIPTION BENCHMARK " + line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    private static SubscriptionClient subscribe(URI root, String query, long after, Counter counter) {
        return new SubscriptionClient(HTTP, root.resolve("dcb/subscribe?after=" + after + "&query="
                + URLEncoder.encode(query, StandardCharsets.UTF_8)), Map.of(), null, Duration.ofMillis(100), counter).start();
    }

    private static void append(URI root, String type, int n) throws IOException, InterruptedException {
        StringBuilder body = new StringBuilder("{\"events\":[");
        for (int i = 0; i < n; i++) {
            body.append(i == 0 ? "" : ",").append("{\"type\":\"").append(type).append("\",\"tags\":[\"n:").append(i % 50)
                    .append("\"],\"data\":\"{\\\"n\\\":").append(i).append("}\"}");
        }
        body.append("]}");
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(root.resolve("dcb/append"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static double ms(long[] sortedNanos, double quantile) {
        return sortedNanos[Math.min(sortedNanos.length - 1, (int) Math.ceil(quantile * sortedNanos.length) - 1)] / 1e6;
    }
}
