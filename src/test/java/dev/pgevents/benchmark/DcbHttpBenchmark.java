package dev.pgevents.benchmark;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;

/**
 * Conditional appends over the /dcb HTTP API at 1, 4 and 16 clients: each request appends one
 * event whose tag is new, under the condition "fail if any event carries this tag" (the check of
 * a uniqueness rule: lock, index lookup, insert, commit). Prints events/s and p50/p99 latency.
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
        String run = UUID.randomUUID().toString().substring(0, 8);
        System.out.printf("conditional appends (1 event, condition: no event with its new tag) to %s, %d s per level%n",
                append, seconds);
        HttpLoad.run(4, Duration.ofSeconds(3), Integer.MAX_VALUE, appends(append, auth, run + "-warmup"));
        for (int clients : new int[] {1, 4, 16}) {
            HttpLoad.Result r = HttpLoad.run(clients, Duration.ofSeconds(seconds), Integer.MAX_VALUE,
                    appends(append, auth, run + "-c" + clients));
            System.out.println(r.line(clients + " clients, events"));
        }
    }

    private static HttpLoad.Requests appends(URI append, String auth, String prefix) {
        return new HttpLoad.Requests() {
            @Override
            public HttpRequest request(int client, int n) {
                String tag = prefix + "-" + client + "-" + n;
                String body = "{\"events\":[{\"type\":\"BenchmarkRegistered\",\"tags\":[\"email:" + tag
                        + "\"],\"data\":\"{\\\"n\\\":" + n + "}\"}],\"condition\":{\"failIfEventsMatch\":"
                        + "{\"items\":[{\"tags\":[\"email:" + tag + "\"]}]}}}";
                HttpRequest.Builder b = HttpLoad.json(append, body);
                if (auth != null) {
                    b.header("Authorization", auth);
                }
                return b.build();
            }

            @Override
            public boolean succeeded(HttpResponse<String> r) {
                return r.statusCode() == 200 && r.body().contains("\"appendConditionFailed\":false");
            }
        };
    }
}
