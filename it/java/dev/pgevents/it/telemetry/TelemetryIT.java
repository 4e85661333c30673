package dev.pgevents.it.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.courses.CourseCatalog;
import dev.pgevents.it.Await;
import dev.pgevents.it.Deployments;
import dev.pgevents.it.Http;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.annotation.Resource;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Follows one subscribe command from its HTTP request to the read model update, inside the
 * deployment: the application's WAR with tracing switched on (MicroProfile Config in a library
 * jar, ordinal above the WAR's own file) and spans exported to memory ({@link InMemorySpans},
 * found by Liberty through the SDK's exporter SPI).
 */
@ExtendWith(ArquillianExtension.class)
class TelemetryIT {

    @Deployment
    static WebArchive deployment() {
        JavaArchive tracing = ShrinkWrap.create(JavaArchive.class, "tracing-in-memory.jar")
                .addClasses(InMemorySpans.class, InMemorySpans.Provider.class)
                .addAsServiceProvider(ConfigurableSpanExporterProvider.class, InMemorySpans.Provider.class)
                .addAsResource(new StringAsset("config_ordinal=200\n"
                        + "otel.sdk.disabled=false\n"
                        + "otel.traces.exporter=in-memory\n"
                        + "otel.bsp.schedule.delay=20\n"), "META-INF/microprofile-config.properties");
        return Deployments.application().addAsLibrary(tracing).addClasses(Http.class, Await.class);
    }

    @ArquillianResource
    URL base;

    @Resource(lookup = "jdbc/pgevents-nontx")
    DataSource dataSource;

    @Test
    void aSubscribeCommandIsTracedToTheReadModelUpdateThroughItsEvent() throws Exception {
        Http http = new Http(base);
        String course = "traced-" + UUID.randomUUID();
        String student = "tracer-" + UUID.randomUUID();
        assertEquals(201, http.post("api/courses", "application/json",
                "{\"courseId\":\"" + course + "\",\"name\":\"Tracing\",\"capacity\":3}").statusCode());
        assertEquals(201, http.post("api/students", "application/json",
                "{\"studentId\":\"" + student + "\",\"name\":\"Tess\"}").statusCode());

        String correlationId = "it-" + UUID.randomUUID();
        HttpResponse<String> subscribed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(base.toString()).resolve("api/courses/" + course + "/subscriptions"))
                .header("Content-Type", "application/json").header("Correlation-Id", correlationId)
                .POST(HttpRequest.BodyPublishers.ofString("{\"studentId\":\"" + student + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, subscribed.statusCode(), subscribed.body());
        assertEquals(correlationId, subscribed.headers().firstValue("Correlation-Id").orElse(null), "echoed");
        String commandId = subscribed.headers().firstValue("Command-Id").orElseThrow();
        long position = Long.parseLong(subscribed.headers().firstValue("Event-Position").orElseThrow());
        assertEquals(200, http.get("api/courses/" + course + "?minPosition=" + position).statusCode());

        JsonObject metadata = metadata(position);
        assertEquals(correlationId, metadata.getString("correlationId"));
        assertEquals(commandId, metadata.getString("causationId"), "the command caused the event");
        String traceParent = metadata.getJsonObject("values").getString("traceparent");

        Await.until("the decision's span", Duration.ofSeconds(20), () -> decision(traceParent).isPresent());
        SpanData decide = decision(traceParent).orElseThrow();
        assertEquals("decide SubscribeStudent", decide.getName());
        assertEquals(1L, decide.getAttributes().asMap().entrySet().stream()
                .filter(e -> e.getKey().getKey().equals("pgevents.decision.attempts")).findFirst().orElseThrow().getValue());
        List<SpanData> spans = InMemorySpans.spans();
        SpanData server = spans.stream().filter(s -> s.getSpanId().equals(decide.getParentSpanId())).findFirst()
                .orElseThrow(() -> new AssertionError("the decision is a child of the request's span: " + spans));
        assertEquals(SpanKind.SERVER, server.getKind());
        // the course's and the student's states were cached by the decisions that defined and
        // registered them (at two positions): the subscription appends on them without a state read
        assertEquals(List.of("append", "process"), spans.stream()
                .filter(s -> s.getParentSpanId().equals(decide.getSpanId())).map(SpanData::getName).sorted().toList());

        Await.until("the read model's batch linked to the command", Duration.ofSeconds(20),
                () -> listenerBatch(decide).isPresent());
        SpanData batch = listenerBatch(decide).orElseThrow();
        assertFalse(batch.getParentSpanContext().isValid(), "a batch starts a trace of its own, linked to its commands");
        assertTrue(batch.getAttributes().asMap().entrySet().stream().anyMatch(e -> e.getKey().getKey().equals("pgevents.position.last")
                && ((Long) e.getValue()) >= position), batch.toString());
        // the sample trace of docs/operations.md, in the server's log
        InMemorySpans.spans().stream().filter(s -> s.getTraceId().equals(decide.getTraceId()) || s == batch)
                .forEach(s -> System.out.println("sample trace: " + s.getName() + " kind=" + s.getKind() + " trace="
                        + s.getTraceId() + " span=" + s.getSpanId() + " parent=" + s.getParentSpanId() + " "
                        + s.getAttributes().asMap() + " links=" + s.getLinks().stream().map(l -> l.getSpanContext().getSpanId()).toList()
                        + " ms=" + (s.getEndEpochNanos() - s.getStartEpochNanos()) / 1_000_000.0));
    }

    /** The decision span whose context the event stored. */
    private static Optional<SpanData> decision(String traceParent) {
        return InMemorySpans.spans().stream()
                .filter(s -> traceParent.equals("00-" + s.getTraceId() + "-" + s.getSpanId() + "-01")).findFirst();
    }

    private static Optional<SpanData> listenerBatch(SpanData decide) {
        return InMemorySpans.spans().stream()
                .filter(s -> s.getName().equals("listener " + CourseCatalog.ID))
                .filter(s -> s.getLinks().stream().map(LinkData::getSpanContext)
                        .anyMatch(c -> c.getTraceId().equals(decide.getTraceId()) && c.getSpanId().equals(decide.getSpanId())))
                .findFirst();
    }

    private JsonObject metadata(long position) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT metadata::text FROM es_event WHERE position = ?")) {
            ps.setLong(1, position);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                return Json.createReader(new StringReader(rs.getString(1))).readObject();
            }
        }
    }
}
