package dev.pgevents.benchmark;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;

/**
 * The courses and cart APIs over HTTP, 16 clients, each command and query against its ceiling in
 * the same run: the benchmark-only resource of the same WAR ({@code /benchmark/rows}, enabled by
 * {@code PGEVENTS_BENCHMARK_ENABLED=true}) inserting one row in a container transaction (commands'
 * baseline) and selecting one row by primary key (queries' baseline). The baselines run before and
 * after the APIs; ratios are to their mean. Subscriptions are decisions over two states (the
 * course's and the student's events), a conditional append and a commit; each client works on
 * its own courses, students and carts. A first round, not printed, warms the server's JIT up: its
 * phases last 20 s, or half a measured phase if that is longer, unless
 * {@code -Dbench.warmup=<seconds per phase>} (1 at least) says otherwise: after 3- and 4-s warm-up
 * phases the baselines still doubled within the measured round and the GETs came out 20 to 35
 * points lower (docs/benchmarks.md, "Warm-up and the GETs"). Three such rounds by default
 * ({@code -Dbench.warmupRounds=<n>}): the JIT compiles the commands' code for minutes, a fifth of
 * the server's CPU in the first round and 1-9% in the third (docs/benchmarks.md, "The whole
 * machine"). With
 * {@code -Dbench.serverPid=<pid>} of a server on the same machine, each phase also prints (stderr)
 * the server's CPU per request: its executor threads (requests and listener passes), its JIT
 * compilers and the rest; and the machine's: all CPUs' busy time, the server's, PostgreSQL's and
 * this load client's.
 *
 * <p>With {@code reads}, only the queries are measured, each between two select baselines (ratio to
 * their mean, so a machine whose speed drifts during the run moves the baseline with the query);
 * the data they read is created first, untimed. With {@code commands}, only the commands, each
 * between two insert baselines; nothing waits for the read models, so this mode also runs on a
 * server with the listeners off ({@code PGEVENTS_LISTENER_ENABLED=false}): what the read models
 * cost the commands.
 *
 * <p>With {@code -Dbench.compare=<URL of a second server>} (a second build on a database of its
 * own), {@code reads} or {@code commands} runs on both servers in turn, A B then B A, {@code
 * -Dbench.pairs=<n>} times (2 by default; the warm-up rounds alternate too), and prints each
 * phase's ratios on each server and B's mean over A's: the machine's speed, which moves by a
 * third within a run here, then weighs on both builds alike. {@code -Dbench.comparePid=<pid>}:
 * the second server's process, as {@code bench.serverPid} for the first.
 *
 * <pre>
 * java [-Dbench.warmup=seconds] [-Dbench.warmupRounds=n] [-Dbench.serverPid=pid] [-Dbench.compare=URL [-Dbench.comparePid=pid] [-Dbench.pairs=n]] -cp target/test-classes dev.pgevents.benchmark.CoursesHttpBenchmark http://localhost:9080 [seconds per phase] [reads|commands]
 * </pre>
 */
public final class CoursesHttpBenchmark {

    private static final int CLIENTS = 16;
    private static final int COURSES_PER_CLIENT = 5;
    /** Enough entities per client for a phase at 2,000 requests/s. */
    private static final int PER_CLIENT = 4_000;
    /** At most this many rows, students and carts of each client are read by the queries. */
    private static final int QUERIED = 10;
    private static final int ITEMS_PER_CART = 3;
    /** {@code -Dbench.serverPid}: the server's process on this machine, whose CPU per request each phase then prints. */
    private static final Long SERVER_PID = Long.getLong("bench.serverPid");

    private final String base;
    private final Duration phase;
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final boolean print;
    /** The server's process on this machine, or null. */
    private final Long serverPid;
    /** Students each client registered: the subscriptions take the newest first. */
    private final int[] registered = new int[CLIENTS];

    private CoursesHttpBenchmark(String base, Duration phase, boolean print, Long serverPid) {
        this.base = base;
        this.phase = phase;
        this.print = print;
        this.serverPid = serverPid;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: CoursesHttpBenchmark <server URL, e.g. http://localhost:9080> [seconds per phase] [reads|commands]");
            System.exit(2);
        }
        String base = withSlash(args[0]);
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        String mode = args.length > 2 ? args[2] : "all";
        Duration warmup = Duration.ofSeconds(Math.max(1, Integer.getInteger("bench.warmup", Math.max(20, seconds / 2))));
        int warmupRounds = Math.max(1, Integer.getInteger("bench.warmupRounds", 3));
        String compare = System.getProperty("bench.compare");
        if (compare != null) {
            paired(base, withSlash(compare), Duration.ofSeconds(seconds), mode, warmup, warmupRounds);
            return;
        }
        for (int r = 1; r <= warmupRounds; r++) {
            new CoursesHttpBenchmark(base, warmup, false, SERVER_PID).warmUp(mode, r);
        }
        new CoursesHttpBenchmark(base, Duration.ofSeconds(seconds), true, SERVER_PID).run(mode);
    }

    private static String withSlash(String url) {
        return url.endsWith("/") ? url : url + "/";
    }

    /** Two servers in turn, A B then B A: each phase's ratios to its baselines on each, and B's mean over A's. */
    private static void paired(String a, String b, Duration phase, String mode, Duration warmup, int warmupRounds) throws Exception {
        if (!mode.equals("reads") && !mode.equals("commands")) {
            throw new IllegalArgumentException("bench.compare takes the reads or commands mode");
        }
        if (a.equals(b)) {
            throw new IllegalArgumentException("bench.compare names the first server again: start a second one");
        }
        Map<String, Long> pids = new LinkedHashMap<>();
        pids.put(a, SERVER_PID);
        pids.put(b, Long.getLong("bench.comparePid"));
        for (int r = 1; r <= warmupRounds; r++) {
            for (String server : pids.keySet()) {
                new CoursesHttpBenchmark(server, warmup, false, pids.get(server)).warmUp(mode, r);
            }
        }
        int pairs = Math.max(1, Integer.getInteger("bench.pairs", 2));
        Map<String, Map<String, List<Double>>> ratios = new LinkedHashMap<>();
        for (int p = 0; p < pairs; p++) {
            for (String server : p % 2 == 0 ? List.of(a, b) : List.of(b, a)) {
                System.out.printf("%n%s: %s%n", server.equals(a) ? "A" : "B", server);
                new CoursesHttpBenchmark(server, phase, true, pids.get(server)).run(mode).forEach((label, ratio) ->
                        ratios.computeIfAbsent(label, k -> new LinkedHashMap<>()).computeIfAbsent(server, k -> new ArrayList<>()).add(ratio));
            }
        }
        System.out.printf("%npaired, %d runs on each (A %s, B %s): each phase's ratios to its baselines%n%-34s %-22s %-22s %6s%n",
                pairs, a, b, "phase", "A", "B", "B/A");
        ratios.forEach((label, byServer) -> System.out.printf("%-34s %-22s %-22s %6.3f%n", label, percents(byServer.get(a)),
                percents(byServer.get(b)), mean(byServer.get(b)) / mean(byServer.get(a))));
    }

    private static String percents(List<Double> ratios) {
        return ratios.stream().map(r -> String.format("%.0f%%", 100 * r)).collect(Collectors.joining(" "));
    }

    private static double mean(List<Double> ratios) {
        return ratios.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** A round not printed, for the JIT; with the server's process, the JIT's share of its CPU in the round. */
    private void warmUp(String mode, int round) throws Exception {
        ServerCpu before = serverPid == null ? null : ServerCpu.of(serverPid);
        run(mode);
        if (before != null) {
            System.err.printf("warm-up round %d (%s): %s%n", round, base, ServerCpu.of(serverPid).jitShareSince(before));
        }
    }

    /** @return each phase's ratio to its baselines (reads and commands; none for all) */
    private Map<String, Double> run(String mode) throws Exception {
        return switch (mode) {
            case "reads" -> reads();
            case "commands" -> commands();
            case "all" -> {
                all();
                yield Map.of();
            }
            default -> throw new IllegalArgumentException("unknown mode " + mode + ": reads, commands or nothing");
        };
    }

    /** The queries, each between two select baselines; the data they read created first, untimed. */
    private Map<String, Double> reads() throws Exception {
        header();
        int[] queried = new int[CLIENTS];
        Arrays.fill(queried, QUERIED);
        setUp(QUERIED, (c, n) -> insertRow("r", c, n));
        defineCourses();
        setUp(QUERIED, this::registerStudent);
        setUp(QUERIED * COURSES_PER_CLIENT, this::subscribe);
        setUp(QUERIED * ITEMS_PER_CART, this::addItem);
        awaitReadModels(queried, queried);

        return betweenBaselines("baseline: GET select one row", run -> selectRow(queried), queries(queried, queried), 200);
    }

    /** The commands, each between two insert baselines; no read model is waited for. */
    private Map<String, Double> commands() throws Exception {
        header();
        defineCourses();
        Map<String, Request> commands = new LinkedHashMap<>();
        commands.put("courses: register student", this::registerStudent);
        commands.put("courses: subscribe", this::subscribe); // the students registered in the phase before
        commands.put("cart: add item", this::addItem);
        return betweenBaselines("baseline: POST insert one row", run -> (c, n) -> insertRow("r" + run, c, n), commands, 201);
    }

    /**
     * Each phase between two runs of the baseline, answered with this status; prints each phase's
     * ratio to the mean of its two baselines.
     *
     * @param baseline the baseline's requests for its n-th run
     * @return each phase's ratio to the mean of its two baselines
     */
    private Map<String, Double> betweenBaselines(String baselineLabel, java.util.function.IntFunction<Request> baseline,
                                  Map<String, Request> phases, int status) throws Exception {
        Map<String, Double> baselines = new LinkedHashMap<>();
        Map<String, HttpLoad.Result> results = new LinkedHashMap<>();
        int runs = 0;
        HttpLoad.Result before = load(baselineLabel, baseline.apply(runs++), status, null);
        for (Map.Entry<String, Request> phase : phases.entrySet()) {
            HttpLoad.Result r = load(phase.getKey(), phase.getValue(), status, before);
            HttpLoad.Result after = load(baselineLabel, baseline.apply(runs++), status, null);
            results.put(phase.getKey(), r);
            baselines.put(phase.getKey(), (before.perSecond() + after.perSecond()) / 2);
            before = after;
        }
        if (print) {
            System.out.printf("%nagainst the mean of the baselines before and after each phase:%n");
            results.forEach((label, r) -> ratio(label, r, baselines.get(label)));
        }
        Map<String, Double> ratios = new LinkedHashMap<>();
        results.forEach((label, r) -> ratios.put(label, r.perSecond() / baselines.get(label)));
        return ratios;
    }

    /** Every phase: the baselines, the commands and the queries. */
    private void all() throws Exception {
        header();
        // How many rows, students and carts each client created: the queries read some of them.
        int[] rows = new int[CLIENTS];
        int[] students = new int[CLIENTS];
        int[] carts = new int[CLIENTS];
        HttpLoad.Result insert1 = load("baseline: POST insert one row", (c, n) -> {
            rows[c] = n + 1;
            return insertRow("r", c, n);
        }, 201, null);
        HttpLoad.Result select1 = load("baseline: GET select one row", selectRow(rows), 200, null);

        defineCourses();
        HttpLoad.Result register = load("courses: register student", (c, n) -> {
            students[c] = n + 1;
            return registerStudent(c, n);
        }, 201, insert1);
        HttpLoad.Result subscribe = load("courses: subscribe", this::subscribe, 201, insert1);
        HttpLoad.Result addItem = load("cart: add item", (c, n) -> {
            carts[c] = n / ITEMS_PER_CART + 1;
            return addItem(c, n);
        }, 201, insert1);

        awaitReadModels(students, carts);
        Map<String, HttpLoad.Result> queries = new LinkedHashMap<>();
        for (Map.Entry<String, Request> query : queries(students, carts).entrySet()) {
            queries.put(query.getKey(), load(query.getKey(), query.getValue(), 200, select1));
        }

        HttpLoad.Result insert2 = load("baseline: POST insert (again)", (c, n) -> insertRow("r2", c, n), 201, insert1);
        HttpLoad.Result select2 = load("baseline: GET select (again)", selectRow(rows), 200, select1);
        if (print) {
            double insert = (insert1.perSecond() + insert2.perSecond()) / 2;
            double select = (select1.perSecond() + select2.perSecond()) / 2;
            System.out.printf("%nagainst the mean of each baseline's two runs (insert %.0f/s, select %.0f/s):%n", insert, select);
            ratio("courses: register student", register, insert);
            ratio("courses: subscribe", subscribe, insert);
            ratio("cart: add item", addItem, insert);
            queries.forEach((label, r) -> ratio(label, r, select));
        }
    }

    private void header() {
        if (print) {
            System.out.printf("%d clients, %d s per phase%n%-34s %8s %9s %9s %10s%n", CLIENTS, phase.toSeconds(),
                    "phase", "req/s", "p50 ms", "p99 ms", "vs base");
        }
    }

    /** The queries, by label; each client reads the first rows, students and carts it created. */
    private Map<String, Request> queries(int[] students, int[] carts) {
        Map<String, Request> queries = new LinkedHashMap<>();
        queries.put("courses: GET course", (c, n) -> get("api/courses/" + id("k", c, n % COURSES_PER_CLIENT)));
        queries.put("courses: GET student", (c, n) -> get("api/students/" + id("s", c, n % queried(students[c]))));
        queries.put("cart: GET cart items", (c, n) -> get("api/carts/" + cart(c, n % queried(carts[c])) + "/items"));
        queries.put("cart: GET cart", (c, n) -> get("api/carts/" + cart(c, n % queried(carts[c]))));
        return queries;
    }

    private HttpRequest.Builder insertRow(String kind, int client, int n) {
        return post("benchmark/rows", "{\"id\":\"" + id(kind, client, n) + "\",\"payload\":\"Bench\"}");
    }

    private Request selectRow(int[] rows) {
        return (c, n) -> get("benchmark/rows/" + id("r", c, n % queried(rows[c])));
    }

    /** Each client its own five courses, with room for all of its subscriptions. */
    private void defineCourses() throws Exception {
        setUp(COURSES_PER_CLIENT, (c, n) -> post("api/courses",
                "{\"courseId\":\"" + id("k", c, n) + "\",\"name\":\"Bench\",\"capacity\":1000}"));
    }

    private HttpRequest.Builder registerStudent(int client, int n) {
        registered[client] = Math.max(registered[client], n + 1); // each client on a thread of its own
        return post("api/students", "{\"studentId\":\"" + id("s", client, n) + "\",\"name\":\"Student\"}");
    }

    /**
     * Each student subscribes to the client's five courses in turn (registering is faster than 5
     * subscriptions), the newest registered first: their states are in the decision's state cache
     * (10,000 by default). Taken oldest first, the phase read every state again once a register
     * phase had registered more than that (subscribe at 36% of the insert baseline instead of 47-50%).
     */
    private HttpRequest.Builder subscribe(int client, int n) {
        return post("api/courses/" + id("k", client, n % COURSES_PER_CLIENT) + "/subscriptions",
                "{\"studentId\":\"" + id("s", client, registered[client] - 1 - n / COURSES_PER_CLIENT) + "\"}");
    }

    private HttpRequest.Builder addItem(int client, int n) {
        return post("api/carts/" + cart(client, n / ITEMS_PER_CART) + "/items", "{\"itemId\":\"" + UUID.randomUUID()
                + "\",\"productId\":\"" + new UUID(1, n % 7) + "\",\"description\":\"Tea\",\"image\":\"tea.png\",\"price\":\"1.50\"}");
    }

    /** Untimed: each client sends this many requests, each answered 201. */
    private void setUp(int perClient, Request request) throws Exception {
        HttpLoad.run(CLIENTS, Duration.ofHours(1), perClient, requests(request, s -> s == 201));
    }

    /** The queries read what the commands wrote: wait until the read models have it. */
    private void awaitReadModels(int[] students, int[] carts) throws Exception {
        for (int c = 0; c < CLIENTS; c++) {
            awaitFound("api/students/" + id("s", c, queried(students[c]) - 1));
            awaitFound("api/carts/" + cart(c, queried(carts[c]) - 1));
        }
    }

    private HttpLoad.Result load(String label, Request request, int status, HttpLoad.Result baseline) throws Exception {
        long start = System.currentTimeMillis();
        ServerCpu before = serverPid == null ? null : ServerCpu.of(serverPid);
        ServerCpu.Machine machineBefore = serverPid == null ? null : ServerCpu.Machine.now();
        GroupCommitGauges commitsBefore = print ? GroupCommitGauges.of(base) : null;
        HttpLoad.Result r = HttpLoad.run(CLIENTS, phase, PER_CLIENT, requests(request, s -> s == status));
        if (print) {
            if (before != null) {
                ServerCpu after = ServerCpu.of(serverPid);
                long requests = r.sortedNanos().length;
                System.err.printf("phase %s: %s%n", label, after.perRequestSince(before, requests));
                System.err.printf("phase %s: %s%n", label, ServerCpu.Machine.now().perRequestSince(machineBefore, after, before, requests));
            }
            System.err.printf("phase %s: %s%n", label, GroupCommitGauges.of(base).since(commitsBefore, System.currentTimeMillis() - start));
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
