package dev.pgevents.it.fault;

import jakarta.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Concurrent clients of the courses API. Client k of scenario s works through its own courses
 * and students ({@code s<k>-c<i>}, {@code s<k>-s<i>}): define a course, register a student,
 * subscribe the student to this course and the previous one, and now and then rename a course,
 * change its capacity, unsubscribe a student or close a course. Each command is sent once (a
 * failed one is not retried, so every event in the store belongs to exactly one command); after
 * a 503 the client waits as Retry-After says (at most 1 s), after no answer 200 ms.
 */
final class CommandLoad implements AutoCloseable {

    private static final Duration NO_ANSWER_BACKOFF = Duration.ofMillis(200);

    private final URI base;
    private final String scenario;
    private final Ledger ledger;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final List<Thread> clients = new ArrayList<>();

    CommandLoad(URI base, String scenario, int clients, Ledger ledger) {
        this.base = base;
        this.scenario = scenario;
        this.ledger = ledger;
        for (int k = 0; k < clients; k++) {
            int client = k;
            this.clients.add(new Thread(() -> run(client), "fault-" + scenario + "-client-" + k));
        }
        this.clients.forEach(Thread::start);
    }

    /** Stops the clients after their current command and waits for them. */
    @Override
    public void close() {
        stopped.set(true);
        for (Thread t : clients) {
            try {
                t.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (t.isAlive()) {
                throw new AssertionError(t.getName() + " did not stop within 60 s");
            }
        }
    }

    private void run(int client) {
        String prefix = scenario + client + "-";
        for (int i = 0; !stopped.get(); i++) {
            String course = prefix + "c" + i;
            String previous = prefix + "c" + (i - 1);
            String student = prefix + "s" + i;
            send(new Command("POST", "api/courses",
                    json(Map.of("courseId", course, "name", "Course " + course, "capacity", 100)),
                    "CourseDefined", Map.of("courseId", course, "name", "Course " + course, "capacity", "100")));
            send(new Command("POST", "api/students", json(Map.of("studentId", student, "name", "Student " + student)),
                    "StudentRegistered", Map.of("studentId", student, "name", "Student " + student)));
            send(subscribe(course, student));
            if (i > 0) {
                send(subscribe(previous, student));
            }
            if (i % 3 == 0) {
                send(new Command("PUT", "api/courses/" + course + "/name", json(Map.of("name", "Renamed " + course)),
                        "CourseRenamed", Map.of("courseId", course, "name", "Renamed " + course)));
            }
            if (i % 5 == 2) {
                send(new Command("PUT", "api/courses/" + course + "/capacity", json(Map.of("capacity", 50)),
                        "CourseCapacityChanged", Map.of("courseId", course, "capacity", "50")));
            }
            if (i % 4 == 1) {
                String previousStudent = prefix + "s" + (i - 1);
                send(new Command("DELETE", "api/courses/" + previous + "/subscriptions/" + previousStudent, null,
                        "StudentUnsubscribed", Map.of("courseId", previous, "studentId", previousStudent)));
            }
            if (i % 7 == 3) {
                send(new Command("POST", "api/courses/" + previous + "/close", null,
                        "CourseClosed", Map.of("courseId", previous)));
            }
        }
    }

    private static Command subscribe(String course, String student) {
        return new Command("POST", "api/courses/" + course + "/subscriptions", json(Map.of("studentId", student)),
                "StudentSubscribed", Map.of("courseId", course, "studentId", student));
    }

    private void send(Command command) {
        if (stopped.get()) {
            return;
        }
        HttpRequest.BodyPublisher body = command.body() == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(command.body());
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(command.path()))
                .timeout(Duration.ofSeconds(30)).method(command.method(), body);
        if (command.body() != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            ledger.record(new Outcome(command, Outcome.NO_ANSWER, 0, false, e.toString(), System.nanoTime()));
            Waits.pause(NO_ANSWER_BACKOFF);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        long position = response.headers().firstValue("Event-Position").map(Long::parseLong).orElse(0L);
        boolean problem = isProblem(response);
        ledger.record(new Outcome(command, response.statusCode(), position, problem,
                response.statusCode() / 100 == 2 ? "" : response.body(), System.nanoTime()));
        if (response.statusCode() == 503) {
            String retryAfter = response.headers().firstValue("Retry-After").orElse("1");
            long millis = retryAfter.matches("\\d{1,4}") ? Long.parseLong(retryAfter) * 1000 : 1000;
            Waits.pause(Duration.ofMillis(Math.min(1000, millis)));
        }
    }

    /** A clean error: problem+json whose status is the response's. */
    private static boolean isProblem(HttpResponse<String> response) {
        if (!response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")) {
            return false;
        }
        try (var reader = Json.createReader(new java.io.StringReader(response.body()))) {
            return reader.readObject().getInt("status", -1) == response.statusCode();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String json(Map<String, Object> fields) {
        var builder = Json.createObjectBuilder();
        fields.forEach((k, v) -> {
            if (v instanceof Integer n) {
                builder.add(k, n);
            } else {
                builder.add(k, v.toString());
            }
        });
        return builder.build().toString();
    }
}
