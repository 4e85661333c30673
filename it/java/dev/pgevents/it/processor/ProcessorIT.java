package dev.pgevents.it.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.transaction.Transactions;
import dev.pgevents.it.Await;
import dev.pgevents.it.Deployments;
import dev.pgevents.it.Http;
import dev.pgevents.it.processor.support.ItTaskHandlers;
import dev.pgevents.it.processor.support.ProcessorItConfig;
import dev.pgevents.processor.TaskInfo;
import dev.pgevents.processor.TaskQueue;
import dev.pgevents.processor.TaskStatus;
import dev.pgevents.processor.cdi.ProcessorRuntime;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The processors inside Liberty: an enqueue in a JTA transaction runs after the commit on a
 * container thread outside any transaction (woken, not polled); a failing task fails after its
 * attempts, its callback runs in a transaction; the admin API lists, retries and deletes tasks,
 * answers problem+json; metrics per task type.
 */
@ExtendWith(ArquillianExtension.class)
class ProcessorIT {

    private static final AtomicLong POSITIONS = new AtomicLong(System.currentTimeMillis());

    @Deployment
    static WebArchive deployment() {
        return Deployments.application()
                .addClass(Await.class)
                .addPackage(ItTaskHandlers.class.getPackage())
                .addClass(Http.class)
                .addAsResource(new StringAsset(ProcessorItConfig.class.getName()),
                        "META-INF/services/org.eclipse.microprofile.config.spi.ConfigSource");
    }

    @Inject
    TaskQueue queue;

    @Inject
    Transactions transactions;

    @Inject
    ProcessorRuntime runtime;

    @Inject
    ItTaskHandlers.Echo echo;

    @Inject
    ItTaskHandlers.Failing failing;

    @ArquillianResource
    URL base;

    /** Enqueues in a JTA transaction; returns the task's id. */
    private long enqueue(String type) {
        long position = POSITIONS.incrementAndGet();
        transactions.inNewTransaction(() -> {
            assertTrue(queue.enqueue(type, "{\"cart\":\"c-" + position + "\"}", position));
            assertFalse(queue.enqueue(type, "{}", position), "idempotent in the same transaction");
            return null;
        });
        return runtime.admin().list(null, type, 1000).stream().filter(t -> t.triggeringPosition() == position)
                .findFirst().orElseThrow().id();
    }

    private TaskStatus status(long id) {
        return runtime.admin().info(id).status();
    }

    @Test
    void aCommittedEnqueueRunsAtOnceOnAContainerThreadOutsideAnyTransaction() {
        assertThrows(IllegalStateException.class, () -> transactions.inNewTransaction(() -> {
            queue.enqueue(ItTaskHandlers.ECHO, "{}", 1);
            throw new IllegalStateException("rolled back");
        }));
        assertTrue(runtime.admin().list(null, ItTaskHandlers.ECHO, 1000).stream().noneMatch(t -> t.triggeringPosition() == 1),
                "the rolled back enqueue left no task");

        long slowest = 0;
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            long id = enqueue(ItTaskHandlers.ECHO);
            Await.until("task " + id + " to be done", Duration.ofSeconds(4), () -> status(id) == TaskStatus.DONE);
            slowest = Math.max(slowest, (System.nanoTime() - t0) / 1_000_000);
            ItTaskHandlers.Seen seen = echo.seen(id);
            assertNotNull(seen);
            assertFalse(seen.inTransaction(), "the handler runs outside any transaction");
            assertEquals(1, seen.task().attempt());
            assertTrue(seen.task().arguments().contains("\"cart\""), seen.task().arguments());
        }
        // a 5 s poll alone could not do that: the after-commit wake-up did
        assertTrue(slowest < 2000, "slowest enqueue-to-done " + slowest + " ms");
    }

    @Test
    void aFailingTaskFailsAfterItsAttemptsAndTheAdminApiRetriesAndDeletesIt() {
        long id = enqueue(ItTaskHandlers.FAILING);
        Await.until("task " + id + " to fail", Duration.ofSeconds(10), () -> status(id) == TaskStatus.FAILED);
        assertEquals(Boolean.TRUE, failing.callbackInTransaction(id), "the callback runs in a transaction");
        TaskInfo failed = runtime.admin().info(id);
        assertEquals(2, failed.attempts());
        assertTrue(failed.lastError().contains("the downstream system refuses task " + id), failed.lastError());

        HttpResponse<String> list = admin("GET", "api/admin/tasks?status=failed&type=" + ItTaskHandlers.FAILING);
        assertEquals(200, list.statusCode(), list.body());
        JsonObject shown = Http.json(list).asJsonArray().stream().map(JsonValue::asJsonObject)
                .filter(o -> o.getJsonNumber("id").longValue() == id).findFirst().orElseThrow();
        assertEquals("FAILED", shown.getString("status"));
        assertEquals(2, shown.getInt("attempts"));

        HttpResponse<String> retried = admin("POST", "api/admin/tasks/" + id + "/retry");
        assertEquals(200, retried.statusCode(), retried.body());
        assertEquals("QUEUED", Http.json(retried).asJsonObject().getString("status"));
        assertEquals(0, Http.json(retried).asJsonObject().getInt("attempts"));
        Await.until("the retried task to fail again", Duration.ofSeconds(10),
                () -> status(id) == TaskStatus.FAILED && runtime.admin().info(id).attempts() == 2);

        assertEquals(204, admin("DELETE", "api/admin/tasks/" + id).statusCode());
        HttpResponse<String> gone = admin("GET", "api/admin/tasks/" + id);
        assertEquals(404, gone.statusCode());
        assertEquals("application/problem+json", gone.headers().firstValue("Content-Type").orElse(""));

        long done = enqueue(ItTaskHandlers.ECHO);
        Await.until("task " + done + " to be done", Duration.ofSeconds(4), () -> status(done) == TaskStatus.DONE);
        HttpResponse<String> conflict = admin("POST", "api/admin/tasks/" + done + "/retry");
        assertEquals(409, conflict.statusCode(), conflict.body());
        assertEquals("application/problem+json", conflict.headers().firstValue("Content-Type").orElse(""));
    }

    @Test
    void doneTasksAreDeletedAfterTheirTypesRetentionAndOthersStay() {
        long kept = enqueue(ItTaskHandlers.ECHO);
        Await.until("task " + kept + " to be done", Duration.ofSeconds(4), () -> status(kept) == TaskStatus.DONE);
        long shortLived = enqueue(ItTaskHandlers.SHORT_LIVED);
        Await.until("task " + shortLived + " to be done and then deleted (retention 1 s)", Duration.ofSeconds(15),
                () -> runtime.admin().list(null, ItTaskHandlers.SHORT_LIVED, 1000).stream().noneMatch(t -> t.id() == shortLived));
        assertEquals(1, echo.seen(kept).task().attempt());
        assertEquals(TaskStatus.DONE, status(kept), "the default retention (none) keeps the other type's done task");
    }

    @Test
    void theAdminApiIsProtectedAndRefusesBadInputWith400() {
        assertEquals(401, send("GET", "api/admin/tasks", "admin", "wrong").statusCode());
        assertEquals(403, send("GET", "api/admin/tasks", "eventstore", "eventstore").statusCode());
        for (String bad : List.of("abc", "1.5", "-1", "18446744073709551616", "1e3")) {
            assertBadRequest(admin("GET", "api/admin/tasks/" + bad), "a task id is a whole number");
            assertBadRequest(admin("POST", "api/admin/tasks/" + bad + "/retry"), "a task id is a whole number");
            assertBadRequest(admin("DELETE", "api/admin/tasks/" + bad), "a task id is a whole number");
        }
        assertBadRequest(admin("GET", "api/admin/tasks?status=LOST"), "status is one of QUEUED, RUNNING, DONE, FAILED");
        assertBadRequest(admin("GET", "api/admin/tasks?limit=0"), "limit is a whole number from 1 to 1000");
        assertBadRequest(admin("GET", "api/admin/tasks?limit=1001"), "limit is a whole number from 1 to 1000");
        assertEquals(404, admin("POST", "api/admin/tasks/9223372036854775807/retry").statusCode());
    }

    @Test
    void metricsPerTaskType() {
        long id = enqueue(ItTaskHandlers.ECHO);
        Await.until("task " + id + " to be done", Duration.ofSeconds(4), () -> status(id) == TaskStatus.DONE);
        HttpResponse<String> metrics = new Http(base).serverRoot().get("metrics?scope=application");
        assertEquals(200, metrics.statusCode());
        String body = metrics.body();
        // each series is tagged with its task type only (and the scope Liberty adds)
        for (String series : List.of("pgevents_processor_tasks_completed_total it-echo",
                "pgevents_processor_task_latency_seconds_count it-echo", "pgevents_processor_handler_time_seconds_count it-echo",
                "pgevents_processor_queued it-echo", "pgevents_processor_running it-echo", "pgevents_processor_failed it-failing",
                "pgevents_processor_tasks_failed_total it-failing", "pgevents_processor_attempts_failed_total it-failing")) {
            String[] nameAndType = series.split(" ");
            assertTrue(body.lines().anyMatch(l -> l.startsWith(nameAndType[0] + "{")
                    && l.contains("type=\"" + nameAndType[1] + "\"")), series + " in\n" + body);
        }
    }

    private static void assertBadRequest(HttpResponse<String> response, String detail) {
        assertEquals(400, response.statusCode(), response.body());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElse(""));
        assertTrue(Http.json(response).asJsonObject().getString("detail").contains(detail), response.body());
    }

    private HttpResponse<String> admin(String method, String path) {
        return send(method, path, "admin", "admin");
    }

    private HttpResponse<String> send(String method, String path, String user, String password) {
        String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(base.toString()).resolve(path))
                .header("Authorization", "Basic " + auth)
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30)).build();
        try {
            return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + ": " + e, e);
        }
    }
}
