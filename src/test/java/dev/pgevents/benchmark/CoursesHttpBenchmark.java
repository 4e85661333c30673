package dev.pgevents.benchmark;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.function.IntPredicate;

/**
 * The courses and cart APIs over HTTP, 16 clients, each command and query against its ceiling in
 * the same run: the benchmark-only resource of the same WAR ({@code /benchmark/rows}, enabled by
 * {@code PGEVENTS_BENCHMARK_ENABLED=true}) inserting one row in a container transaction (commands'
 * baseline) and selecting one row by primary key (queries' baseline). The baselines run before and
 * after the APIs; ratios are to their mean. Subscriptions are decisions over two states (the
 * course's and the student's events), a conditional append and a commit; each client works on
 * its own courses, students and carts. A first round (half as long per phase) warms the JIT up and
 * is not printed.
 *
 * <pre>
 * java -cp target/test-classes dev.pgevents.benchmark.CoursesHttpBenchmark http://localhost:9080 [seconds per phase]
 * </pre>
 */
public final class CoursesHttpBenchmark {

    private static final int CLIENTS = 16;
    private static final int COURSES_PER_CLIENT = 5;
    /** Enough entities per client for a phase at 2,000 requests/s. */
    private static final int PER_CLIENT = 4_000;
    /** At most this many rows, students and carts of each client are read by the queries. */
    private static final int QUERIED = 10;

    private final String base;
    private final Duration phase;
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final boolean print;

    private CoursesHttpBenchmark(String base, Duration phase, boolean print) {
        this.base = base;
        this.phase = phase;
        this.print = print;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: CoursesHttpBenchmark <server URL, e.g. http://localhost:9080> [seconds per phase]");
            System.exit(2);
        }
        String base = args[0].endsWith("/") ? args[0] : args[0] + "/";
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        new CoursesHttpBenchmark(base, Duration.ofSeconds(Math.max(2, seconds / 2)), false).round();
        new CoursesHttpBenchmark(base, Duration.ofSeconds(seconds), true).round();
    }

    private void round() throws Exception {
        if (print) {
            System.out.printf("%d clients, %d s per phase%n%-34s %8s %9s %9s %10s%n", CLIENTS, phase.toSeconds(),
                    "phase", "req/s", "p50 ms", "p99 ms", "vs base");
        }
        // How many rows, students and carts each client created: the queries read some of them.
        int[] rows = new int[CLIENTS];
        int[] students = new int[CLIENTS];
        int[] carts = new int[CLIENTS];
        HttpLoad.Result insert1 = load("baseline: POST insert one row", (c, n) -> {
            rows[c] = n + 1;
            return post("benchmark/rows", "{\"id\":\"" + id("r", c, n) + "\",\"payload\":\"Bench\"}");
        }, 201, null);
        HttpLoad.Result select1 = load("baseline: GET select one row",
                (c, n) -> get("benchmark/rows/" + id("r", c, n % queried(rows[c]))), 200, null);

        // Setup of the courses: each client its own five, with room for all of its subscriptions.
        HttpLoad.run(CLIENTS, Duration.ofHours(1), COURSES_PER_CLIENT, requests((c, n) -> post("api/courses",
                "{\"courseId\":\"" + id("k", c, n) + "\",\"name\":\"Bench\",\"capacity\":1000}"), r -> r == 201));
        HttpLoad.Result register = load("courses: register student", (c, n) -> {
            students[c] = n + 1;
            return post("api/students", "{\"studentId\":\"" + id("s", c, n) + "\",\"name\":\"Student\"}");
        }, 201, insert1);
        // Each student subscribes to the client's five courses in turn (registering is faster than 5 subscriptions).
        HttpLoad.Result subscribe = load("courses: subscribe", (c, n) -> post("api/courses/"
                + id("k", c, n % COURSES_PER_CLIENT) + "/subscriptions",
                "{\"studentId\":\"" + id("s", c, n / COURSES_PER_CLIENT) + "\"}"), 201, insert1);
        HttpLoad.Result addItem = load("cart: add item", (c, n) -> {
            carts[c] = n / 3 + 1;
            return post("api/carts/" + cart(c, n / 3) + "/items", "{\"itemId\":\"" + UUID.randomUUID() + "\",\"productId\":\""
                    + new UUID(1, n % 7) + "\",\"description\":\"Tea\",\"image\":\"tea.png\",\"price\":\"1.50\"}");
        }, 201, insert1);

        // The queries read what the commands wrote: wait until the read models have it.
        for (int c = 0; c < CLIENTS; c++) {
            awaitFound("api/students/" + id("s", c, queried(students[c]) - 1));
            awaitFound("api/carts/" + cart(c, queried(carts[c]) - 1));
        }
        HttpLoad.Result course = load("courses: GET course", (c, n) -> get("api/courses/" + id("k", c, n % COURSES_PER_CLIENT)), 200, select1);
        HttpLoad.Result student = load("courses: GET student", (c, n) -> get("api/students/" + id("s", c, n % queried(students[c]))), 200, select1);
        HttpLoad.Result items = load("cart: GET cart items", (c, n) -> get("api/carts/" + cart(c, n % queried(carts[c])) + "/items"), 200,
                select1);
        HttpLoad.Result cartView = load("cart: GET cart", (c, n) -> get("api/carts/" + cart(c, n % queried(carts[c]))), 200, select1);

        HttpLoad.Result insert2 = load("baseline: POST insert (again)", (c, n) -> post("benchmark/rows",
                "{\"id\":\"" + id("r2", c, n) + "\",\"payload\":\"Bench\"}"), 201, insert1);
        HttpLoad.Result select2 = load("baseline: GET select (again)", (c, n) -> get("benchmark/rows/" + id("r", c, n % queried(rows[c]))),
                200, select1);
        if (print) {
            double insert = (insert1.perSecond() + insert2.perSecond()) / 2;
            double select = (select1.perSecond() + select2.perSecond()) / 2;
            System.out.printf("%nagainst the mean of each baseline's two runs (insert %.0f/s, select %.0f/s):%n", insert, select);
            ratio("courses: register student", register, insert);
            ratio("courses: subscribe", subscribe, insert);
            ratio("cart: add item", addItem, insert);
            ratio("courses: GET course", course, select);
            ratio("courses: GET student", student, select);
            ratio("cart: GET cart items", items, select);
            ratio("cart: GET cart", cartView, select);
        }
    }

    private HttpLoad.Result load(String label, Request request, int status, HttpLoad.Result baseline) throws Exception {
        long start = System.currentTimeMillis();
        HttpLoad.Result r = HttpLoad.run(CLIENTS, phase, PER_CLIENT, requests(request, s -> s == status));
        if (print) {
            // For a profile of the server: which samples belong to which phase.
            System.err.printf("phase %s: %d-%d epoch ms%n", label, start, System.currentTimeMillis());
            System.out.printf("%-34s %8.0f %9.2f %9.2f %10s%n", label, r.perSecond(), r.percentileMillis(0.5),
                    r.percentileMillis(0.99), baseline == null ? "" : String.format("%.0f%%", 100 * r.perSecond() / baseline.perSecond()));
        }
        return r;
    }

    private static int queried(int created) {
        return Math.max(1, Math.min(QUERIED, created));
    }

    private void awaitFound(String path) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (HttpLoad.CLIENT.send(get(path).build(), HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(path + " not found within 60 s: did the commands' phase create it?");
            }
            Thread.sleep(50);
        }
    }

    private static void ratio(String label, HttpLoad.Result r, double baseline) {
        System.out.printf("%-34s %8.0f /s  %5.0f%%  p99 %.2f ms%n", label, r.perSecond(), 100 * r.perSecond() / baseline,
                r.percentileMillis(0.99));
    }

    private String id(String kind, int client, int n) {
        return run + "-" + kind + "-" + client + "-" + n;
    }

    private UUID cart(int client, int n) {
        return UUID.nameUUIDFromBytes(id("cart", client, n).getBytes());
    }

    private HttpRequest.Builder post(String path, String body) {
        return HttpLoad.json(URI.create(base + path), body);
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).header("Accept", "application/json");
    }

    private interface Request {
        HttpRequest.Builder request(int client, int n);
    }

    private static HttpLoad.Requests requests(Request request, IntPredicate success) {
        return new HttpLoad.Requests() {
            @Override
            public HttpRequest request(int client, int n) {
                return request.request(client, n).build();
            }

            @Override
            public boolean succeeded(HttpResponse<String> r) {
                return success.test(r.statusCode());
            }
        };
    }
}
