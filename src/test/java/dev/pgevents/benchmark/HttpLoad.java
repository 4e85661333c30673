package dev.pgevents.benchmark;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Closed-loop HTTP load: each client sends its next request when the previous answer arrived.
 * JDK only. Used by the benchmarks that drive a running server.
 */
final class HttpLoad {

    /** The n-th request of a client, and whether its answer counts as a success. */
    interface Requests {
        HttpRequest request(int client, int n);

        boolean succeeded(HttpResponse<String> response);
    }

    /** Latencies in nanoseconds, sorted, and the wall time they took. */
    record Result(long[] sortedNanos, long wallNanos) {
        double perSecond() {
            return sortedNanos.length / (wallNanos / 1e9);
        }

        double percentileMillis(double p) {
            if (sortedNanos.length == 0) {
                return 0;
            }
            return sortedNanos[Math.min(sortedNanos.length - 1, (int) Math.ceil(p * sortedNanos.length) - 1)] / 1e6;
        }

        String line(String label) {
            return String.format("%-28s %7.0f /s  p50 %6.2f ms  p99 %6.2f ms  (%d requests)", label, perSecond(),
                    percentileMillis(0.50), percentileMillis(0.99), sortedNanos.length);
        }
    }

    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private HttpLoad() {
    }

    /** Runs the clients until the duration is over, or each sent maxPerClient requests. */
    static Result run(int clients, Duration duration, int maxPerClient, Requests requests) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        List<Future<long[]>> results = new ArrayList<>();
        try {
            for (int c = 0; c < clients; c++) {
                int client = c;
                results.add(pool.submit(() -> {
                    long[] latencies = new long[1024];
                    int n = 0;
                    while (n < maxPerClient && System.nanoTime() < end) {
                        HttpRequest request = requests.request(client, n);
                        long t0 = System.nanoTime();
                        HttpResponse<String> r = send(request);
                        long t = System.nanoTime() - t0;
                        if (!requests.succeeded(r)) {
                            throw new IllegalStateException(request.method() + " " + request.uri() + " answered "
                                    + r.statusCode() + " " + r.body());
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
            long wall = System.nanoTime() - start;
            return new Result(all.stream().flatMapToLong(Arrays::stream).sorted().toArray(), wall);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Sends once more when the connection was closed before any byte of the answer came (the JDK
     * client picked a pooled connection as it was being closed: seen in 3 of 6 runs on 2026-12-04,
     * ending them). A command sent twice would be answered with a rejection, which fails the run.
     */
    private static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            if (e instanceof java.net.http.HttpTimeoutException || !String.valueOf(e.getMessage()).contains("received no bytes")) {
                throw e;
            }
            System.err.println("resent " + request.method() + " " + request.uri() + " after: " + e.getMessage());
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        }
    }

    static HttpRequest.Builder json(java.net.URI uri, String body) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }
}
