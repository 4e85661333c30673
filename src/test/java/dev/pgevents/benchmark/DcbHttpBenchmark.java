package dev.pgevents.benchmark;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Conditional appends over the /dcb HTTP API at 1, 4 and 16 clients: each request appends one
 * event whose tag is new, under the condition "fail if any event carries this tag" (the check of
 * a uniqueness rule: lock, index lookup, insert, commit). Prints events/s and p50/p99 latency.
 * JDK only, no dependencies.
 *
 * <pre>
 * java -cp target/test-classes dev.pgevents.benchmark.DcbHttpBenchmark http://localhost:9080/dcb [seconds] [user:password]
 * </pre>
 */
public final class DcbHttpBenchmark {

    private DcbHttpBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: DcbHttpBenchmark <base URL, e.g. http://localhost:9080/dcb> [seconds per level] [user:password]");
            System.exit(2);
        }
        URI append = URI.create(args[0].endsWith("/") ? args[0] + "append" : args[0] + "/append");
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        String auth = args.length > 2 ? "Basic " + Base64.getEncoder().encodeToString(args[2].getBytes(StandardCharsets.UTF_8)) : null;
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        String run = UUID.randomUUID().toString().substring(0, 8);
        System.out.printf("conditional appends (1 event, condition: no event with its new tag) to %s, %d s per level%n",
                append, seconds);
        run(http, append, auth, run + "-warmup", 4, 3, false);
        for (int clients : new int[] {1, 4, 16}) {
            run(http, append, auth, run + "-c" + clients, clients, seconds, true);
        }
    }

    private static void run(HttpClient http, URI append, String auth, String prefix, int clients, int seconds,
                            boolean print) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        List<Future<long[]>> results = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            results.add(pool.submit(() -> {
                long[] latencies = new long[1 << 16];
                int n = 0;
                while (System.nanoTime() < end) {
                    String tag = prefix + "-" + client + "-" + n;
                    String body = "{\"events\":[{\"type\":\"BenchmarkRegistered\",\"tags\":[\"email:" + tag
                            + "\"],\"data\":\"{\\\"n\\\":" + n + "}\"}],\"condition\":{\"failIfEventsMatch\":"
                            + "{\"items\":[{\"tags\":[\"email:" + tag + "\"]}]}}}";
                    HttpRequest.Builder b = HttpRequest.newBuilder(append).timeout(Duration.ofSeconds(30))
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
                    if (auth != null) {
                        b.header("Authorization", auth);
                    }
                    long t0 = System.nanoTime();
                    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                    long t = System.nanoTime() - t0;
                    if (r.statusCode() != 200 || !r.body().contains("\"appendConditionFailed\":false")) {
                        throw new IllegalStateException("append failed: " + r.statusCode() + " " + r.body());
                    }
                    if (n == latencies.length) {
                        latencies = Arrays.copyOf(latencies, n * 2);
                    }
                    latencies[n++] = t;
                }
                return Arrays.copyOf(latencies, n);
            }));
        }
        List<long[]> all = new ArrayList<>();
        for (Future<long[]> f : results) {
            all.add(f.get());
        }
        pool.shutdown();
        long[] merged = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        if (print) {
            System.out.printf("%2d clients: %7.0f events/s  p50 %6.2f ms  p99 %6.2f ms  (%d appends)%n", clients,
                    merged.length / (double) seconds, percentile(merged, 0.50) / 1e6, percentile(merged, 0.99) / 1e6,
                    merged.length);
        }
    }

    private static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }
}
