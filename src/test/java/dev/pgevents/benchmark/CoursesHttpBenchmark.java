package dev.pgevents.benchmark;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

/**
 * Subscribe commands over the courses API, 16 clients on distinct courses: each subscription is a
 * full decision over two states (the course's and the student's events), a conditional append and
 * a commit, behind JAX-RS and JSON-B. The students and courses are created first (not timed); then
 * each client subscribes its students, five courses each. Prints subscriptions/s and p50/p99.
 *
 * <pre>
 * java -cp target/test-classes dev.pgevents.benchmark.CoursesHttpBenchmark http://localhost:9080/api [students per client]
 * </pre>
 */
public final class CoursesHttpBenchmark {

    private static final int CLIENTS = 16;
    private static final int COURSES_PER_CLIENT = 5;

    private CoursesHttpBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: CoursesHttpBenchmark <base URL, e.g. http://localhost:9080/api> [students per client]");
            System.exit(2);
        }
        String base = args[0].endsWith("/") ? args[0] : args[0] + "/";
        int students = args.length > 1 ? Integer.parseInt(args[1]) : 150;
        String run = UUID.randomUUID().toString().substring(0, 8);
        Duration unbounded = Duration.ofHours(1);

        HttpLoad.Result courses = HttpLoad.run(CLIENTS, unbounded, COURSES_PER_CLIENT, created(n -> HttpLoad.json(
                URI.create(base + "courses"), "{\"courseId\":\"" + n + "\",\"name\":\"Bench\",\"capacity\":1000}"),
                run, "k"));
        HttpLoad.Result registered = HttpLoad.run(CLIENTS, unbounded, students, created(n -> HttpLoad.json(
                URI.create(base + "students"), "{\"studentId\":\"" + n + "\",\"name\":\"Student\"}"), run, "s"));
        System.out.printf("%d clients; setup: %s; %s%n", CLIENTS, courses.line("define course"), registered.line("register student"));

        HttpLoad.Result subscribed = HttpLoad.run(CLIENTS, unbounded, students * COURSES_PER_CLIENT, new HttpLoad.Requests() {
            @Override
            public HttpRequest request(int client, int n) {
                String course = run + "-k-" + client + "-" + (n % COURSES_PER_CLIENT);
                String student = run + "-s-" + client + "-" + (n / COURSES_PER_CLIENT);
                return HttpLoad.json(URI.create(base + "courses/" + course + "/subscriptions"),
                        "{\"studentId\":\"" + student + "\"}").build();
            }

            @Override
            public boolean succeeded(HttpResponse<String> r) {
                return r.statusCode() == 201;
            }
        });
        System.out.println(subscribed.line("subscribe (" + CLIENTS + " clients)"));
    }

    /** Client c's n-th entity gets the id {@code <run>-<kind>-<c>-<n>}; the factory receives that id. */
    private static HttpLoad.Requests created(java.util.function.Function<String, HttpRequest.Builder> factory, String run,
                                             String kind) {
        return new HttpLoad.Requests() {
            @Override
            public HttpRequest request(int client, int n) {
                return factory.apply(run + "-" + kind + "-" + client + "-" + n).build();
            }

            @Override
            public boolean succeeded(HttpResponse<String> r) {
                return r.statusCode() == 201;
            }
        };
    }
}
