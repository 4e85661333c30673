package dev.pgevents.it.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.eventstore.AppendedEvent;
import dev.pgevents.it.Await;
import dev.pgevents.it.Deployments;
import dev.pgevents.it.Http;
import dev.pgevents.it.listener.support.CounterSummary;
import dev.pgevents.it.listener.support.CounterSummaryReadModel;
import dev.pgevents.it.listener.support.FailingListener;
import dev.pgevents.it.listener.support.ItAppender;
import dev.pgevents.it.listener.support.ItConfig;
import dev.pgevents.it.listener.support.ItEvents;
import dev.pgevents.it.listener.support.ItQueries;
import dev.pgevents.it.listener.support.PgListen;
import dev.pgevents.listener.ListenerEngine;
import dev.pgevents.listener.ListenerStatus;
import dev.pgevents.listener.PassResult;
import dev.pgevents.listener.cdi.ListenerRuntime;
import jakarta.annotation.Resource;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import javax.sql.DataSource;
import org.eclipse.microprofile.metrics.MetricID;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The listener runtime inside Liberty: a JPA read model fed by wake-ups (poll interval 5 s), the
 * cross-node NOTIFY, reset, the STOP policy with readiness and the admin API (security, parked
 * events), inline listeners, metrics. The test read model and events are added to the real WAR.
 */
@ExtendWith(ArquillianExtension.class)
class ListenerIT {

    @Deployment
    static WebArchive deployment() {
        return Deployments.application()
                .addClass(Await.class)
                .addPackage(CounterSummary.class.getPackage())
                .addClass(Http.class)
                .addAsResource(new StringAsset(ItConfig.class.getName()),
                        "META-INF/services/org.eclipse.microprofile.config.spi.ConfigSource");
    }

    @Inject
    ItAppender appender;

    @Inject
    ItQueries queries;

    @Inject
    ListenerRuntime runtime;

    @Resource(lookup = "jdbc/pgevents-nontx")
    DataSource nonTx;

    @Inject
    MetricRegistry metrics;

    @ArquillianResource
    URL base;

    private int events(String counter) {
        return queries.summary(counter).map(CounterSummary::events).orElse(0);
    }

    @Test
    void aCommittedAppendReachesTheJpaReadModelThroughTheWakeUpNotThePoll() {
        long slowest = 0;
        long last = 0;
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            last = appender.append(new ItEvents.Added("wake", 10)).get(0).position();
            int expected = i + 1;
            Await.until("the read model to see event " + expected, Duration.ofSeconds(4), () -> events("wake") == expected);
            slowest = Math.max(slowest, (System.nanoTime() - t0) / 1_000_000);
        }
        // five appends in a row, each seen within 1.5 s: a 5 s poll alone could not do that
        assertTrue(slowest < 1500, "slowest append-to-read-model " + slowest + " ms");
        CounterSummary summary = queries.summary("wake").orElseThrow();
        assertEquals(50, summary.total());
        assertEquals(last, summary.lastEventPosition(), "the stale check's position is maintained by the base class");
    }

    @Test
    void anAppendOnAnotherNodeWakesThisNodeThroughNotify() throws Exception {
        for (int i = 0; i < 3; i++) {
            appender.appendUnannounced(new ItEvents.Added("notify", 1));
            try (Connection c = nonTx.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
                ps.setString(1, ListenerRuntime.CHANNEL);
                ps.setString(2, "another-node");
                ps.execute();
            }
            int expected = i + 1;
            Await.until("a NOTIFY from another node to wake the listener", Duration.ofSeconds(3), () -> events("notify") == expected);
        }
    }

    @Test
    void thisNodeNotifiesTheOthersOnceAfterItsCommits() throws Exception {
        try (PgListen listen = new PgListen(nonTx.getConnection(), ListenerRuntime.CHANNEL)) {
            appender.append(new ItEvents.Added("notify-out", 1));
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            List<String> payloads = List.of();
            while (payloads.isEmpty() && System.nanoTime() < deadline) {
                payloads = listen.payloads(200);
            }
            assertTrue(payloads.contains(runtime.node()), "NOTIFY with this node's id: " + payloads);
        }
    }

    @Test
    void aResetThroughTheAdminApiClearsAndRebuildsTheReadModel() throws Exception {
        appender.append(new ItEvents.Added("reset", 5));
        appender.append(new ItEvents.Added("reset", 7));
        Await.until("the read model", Duration.ofSeconds(4), () -> events("reset") == 2);
        try (Connection c = nonTx.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO it_counter_summary VALUES ('bogus', 1, 1, 0) ON CONFLICT DO NOTHING")) {
            ps.executeUpdate();
        }
        HttpResponse<String> reset = admin("POST", "api/admin/listeners/" + CounterSummaryReadModel.ID + "/reset?position=0");
        assertEquals(200, reset.statusCode(), reset.body());
        Await.until("the rebuild", Duration.ofSeconds(4), () -> events("reset") == 2 && queries.summary("bogus").isEmpty());
        assertEquals(12, queries.summary("reset").orElseThrow().total());
    }

    @Test
    void aListenerStoppedOnAnErrorTurnsReadinessDownUntilAnOperatorSkipsTheEvent() throws Exception {
        long poisoned = appender.append(new ItEvents.Poisoned("p")).get(0).position();
        ListenerEngine engine = runtime.engine();
        Await.until("the failing listener to stop", Duration.ofSeconds(10),
                () -> runtime.admin().info(FailingListener.ID).status() == ListenerStatus.FAILED);
        HttpResponse<String> ready = http().serverRoot().get("health/ready");
        assertEquals(503, ready.statusCode(), ready.body());
        assertTrue(ready.body().replace(" ", "").contains("\"" + FailingListener.ID + "\":\"failed\""), ready.body());

        JsonObject info = json(admin("GET", "api/admin/listeners/" + FailingListener.ID)).asJsonObject();
        assertEquals("FAILED", info.getString("status"));
        assertTrue(info.getString("lastError").contains("poisoned event " + poisoned), info.toString());
        JsonArray parked = json(admin("GET", "api/admin/listeners/" + FailingListener.ID + "/parked")).asJsonArray();
        assertEquals(1, parked.size());
        assertEquals(poisoned, parked.getJsonObject(0).getJsonNumber("position").longValue());
        assertEquals(2, parked.getJsonObject(0).getInt("attempts"));

        // retry: the stopped listener runs again and gets the event in order; it fails again and stops again
        HttpResponse<String> retry = admin("POST", "api/admin/listeners/" + FailingListener.ID + "/parked/" + poisoned + "/retry");
        assertEquals(200, retry.statusCode(), retry.body());
        Await.until("the retried event to fail and stop the listener again", Duration.ofSeconds(10),
                () -> runtime.admin().info(FailingListener.ID).status() == ListenerStatus.FAILED
                        && runtime.admin().parked(FailingListener.ID).size() == 1);
        assertEquals(404, admin("POST", "api/admin/listeners/" + FailingListener.ID + "/parked/999999999/retry").statusCode());

        HttpResponse<String> skip = admin("POST", "api/admin/listeners/" + FailingListener.ID + "/parked/" + poisoned + "/skip");
        assertEquals(200, skip.statusCode(), skip.body());
        assertEquals("RUNNING", json(skip).asJsonObject().getString("status"));
        assertEquals(200, http().serverRoot().get("health/ready").statusCode());
        assertEquals(404, admin("POST", "api/admin/listeners/" + FailingListener.ID + "/parked/" + poisoned + "/skip")
                .statusCode(), "skipped already");
    }

    @Test
    void pauseAndResume() throws Exception {
        ListenerEngine engine = runtime.engine();
        assertEquals(200, admin("POST", "api/admin/listeners/" + CounterSummaryReadModel.ID + "/pause").statusCode());
        appender.append(new ItEvents.Added("paused", 1));
        PassResult pass;
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        do { // a timer pass may be running right now (BUSY): ask again
            pass = engine.runPass(CounterSummaryReadModel.ID);
            assertTrue(System.nanoTime() < deadline, "the listener stayed busy");
        } while (pass.kind() == PassResult.Kind.BUSY);
        assertEquals(PassResult.Kind.STOPPED, pass.kind());
        assertEquals(0, events("paused"));
        HttpResponse<String> resumed = admin("POST", "api/admin/listeners/" + CounterSummaryReadModel.ID + "/resume");
        assertEquals("RUNNING", json(resumed).asJsonObject().getString("status"));
        Await.until("the resumed listener", Duration.ofSeconds(4), () -> events("paused") == 1);
    }

    @Test
    void aBatchThatCreatesARowAndChangesItAgainKeepsEveryChange() throws Exception {
        appender.append(new ItEvents.Added("batch-existing", 1));
        Await.until("the existing counter", Duration.ofSeconds(4), () -> events("batch-existing") == 1);
        long failuresBefore = counterFailures();
        assertEquals(200, admin("POST", "api/admin/listeners/" + CounterSummaryReadModel.ID + "/pause").statusCode());
        for (int amount = 1; amount <= 3; amount++) { // one pass after the resume: the preload finds no row for "batch-new"
            appender.append(new ItEvents.Added("batch-new", amount));
            appender.append(new ItEvents.Added("batch-existing", 10 * amount));
        }
        assertEquals(200, admin("POST", "api/admin/listeners/" + CounterSummaryReadModel.ID + "/resume").statusCode());
        Await.until("the batch", Duration.ofSeconds(4), () -> events("batch-new") == 3 && events("batch-existing") == 4);
        assertEquals(6, queries.summary("batch-new").orElseThrow().total(), "created, then found in the same batch");
        assertEquals(61, queries.summary("batch-existing").orElseThrow().total());
        assertEquals(failuresBefore, counterFailures(), "no attempt failed (a second persist of the new row would, then"
                + " pass on its retry)");
    }

    private long counterFailures() {
        return metrics.getCounter(new MetricID("pgevents.listener.failures", new Tag("listener", CounterSummaryReadModel.ID))).getCount();
    }

    @Test
    void theAdminApiListsListenersAndIsProtected() throws Exception {
        HttpResponse<String> anonymous = http().get("api/admin/listeners");
        assertEquals(401, anonymous.statusCode());
        assertEquals("application/problem+json", anonymous.headers().firstValue("Content-Type").orElse(""));
        assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"));
        assertEquals(401, send("GET", "api/admin/listeners", "admin", "wrong").statusCode());
        HttpResponse<String> forbidden = send("GET", "api/admin/listeners", "eventstore", "eventstore");
        assertEquals(403, forbidden.statusCode(), forbidden.body());
        assertEquals("application/problem+json", forbidden.headers().firstValue("Content-Type").orElse(""));
        assertEquals(403, json(forbidden).asJsonObject().getInt("status"));

        HttpResponse<String> list = admin("GET", "api/admin/listeners");
        assertEquals(200, list.statusCode(), list.body());
        JsonObject counters = json(list).asJsonArray().stream().map(JsonValue::asJsonObject)
                .filter(o -> o.getString("id").equals(CounterSummaryReadModel.ID)).findFirst().orElseThrow();
        for (String field : List.of("position", "headPosition", "lag", "status")) {
            assertTrue(counters.containsKey(field), field + " in " + counters);
        }
        HttpResponse<String> unknown = admin("GET", "api/admin/listeners/no-such-listener");
        assertEquals(404, unknown.statusCode());
        assertEquals("application/problem+json", unknown.headers().firstValue("Content-Type").orElse(""));
        assertFalse(unknown.body().contains("Exception"), unknown.body());
        assertEquals(400, admin("POST", "api/admin/listeners/" + CounterSummaryReadModel.ID + "/reset?position=-1").statusCode());
    }

    @Test
    void theAdminApiRefusesPositionsItCannotUseWith400() throws Exception {
        String listener = "api/admin/listeners/" + CounterSummaryReadModel.ID;
        for (String bad : List.of("abc", "1.5", "18446744073709551616", "9223372036854775808", "-1", "", "1e3")) {
            assertBadRequest(admin("POST", listener + "/reset?position=" + bad), "a position is a whole number");
        }
        for (String action : List.of("retry", "skip")) {
            assertBadRequest(admin("POST", "api/admin/listeners/" + FailingListener.ID + "/parked/abc/" + action),
                    "a position is a whole number");
        }

        // beyond the head: the listener would skip every event appended up to that position
        appender.append(new ItEvents.Added("beyond", 1));
        Await.until("the read model", Duration.ofSeconds(4), () -> events("beyond") == 1);
        long head = runtime.admin().info(CounterSummaryReadModel.ID).headPosition();
        assertBadRequest(admin("POST", listener + "/reset?position=" + (head + 1_000_000)), "beyond the head");
        assertTrue(runtime.admin().info(CounterSummaryReadModel.ID).position() <= head, "the checkpoint did not move ahead");
        appender.append(new ItEvents.Added("beyond", 1));
        Await.until("the next event to reach the read model", Duration.ofSeconds(4), () -> events("beyond") == 2);
    }

    private static void assertBadRequest(HttpResponse<String> response, String detail) {
        assertEquals(400, response.statusCode(), response.body());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElse(""));
        assertTrue(json(response).asJsonObject().getString("detail").contains(detail), response.body());
    }

    @Test
    void metricsCountHandledEventsPerListener() {
        appender.append(new ItEvents.Added("metrics", 1));
        Await.until("the read model", Duration.ofSeconds(4), () -> events("metrics") == 1);
        HttpResponse<String> metrics = http().serverRoot().get("metrics?scope=application");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("pgevents_listener_events_handled_total{listener=\"it-counters\""), metrics.body());
        assertTrue(metrics.body().contains("pgevents_listener_lag{listener=\"it-counters\""), metrics.body());
    }

    @Test
    void anInlineListenerRunsInTheAppendTransactionAndItsFailureFailsTheAppend() throws Exception {
        List<AppendedEvent> first = appender.append(new ItEvents.NameClaimed("alice"));
        assertEquals(1, count("SELECT count(*) FROM it_claimed_name WHERE name = 'alice' AND position = "
                + first.get(0).position()));
        RuntimeException duplicate = assertThrows(RuntimeException.class, () -> appender.append(new ItEvents.NameClaimed("alice")));
        assertTrue(String.valueOf(duplicate).length() > 0);
        assertEquals(1, count("SELECT count(*) FROM es_event WHERE payload->>'name' = 'alice'"),
                "the failed inline listener rolled the append back");
    }

    // ------------------------------------------------------------------------------------ helpers

    private long count(String sql) throws Exception {
        try (Connection c = nonTx.getConnection(); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private Http http() {
        return new Http(base);
    }

    private static jakarta.json.JsonStructure json(HttpResponse<String> r) {
        return Http.json(r);
    }

    private HttpResponse<String> admin(String method, String path) throws Exception {
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
