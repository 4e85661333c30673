package dev.pgevents.dcbapi;

import dev.pgevents.decision.RetryPolicy;
import dev.pgevents.transaction.Transactions;
import dev.pgevents.eventstore.AppendConditionFailed;
import dev.pgevents.eventstore.EventStore;
import dev.pgevents.eventstore.EventStoreAccessException;
import dev.pgevents.eventstore.EventStoreException;
import dev.pgevents.eventstore.EventTypeRegistry;
import dev.pgevents.eventstore.InvalidInputException;
import dev.pgevents.eventstore.Metadata;
import dev.pgevents.eventstore.RawEvent;
import dev.pgevents.eventstore.StoredEvent;
import dev.pgevents.http.Problem;
import dev.pgevents.http.ProblemMappers;
import dev.pgevents.telemetry.Causes;
import jakarta.annotation.security.DeclareRoles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonGeneratorFactory;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import dev.pgevents.http.OpenApi;

/**
 * The event store over HTTP (docs/http-api.md): {@code GET /dcb/read} and {@code POST /dcb/append}
 * in the shape of the DCB test suite's HTTP adapter. Access is decided before this class is
 * reached ({@link DcbAccessFilter}).
 */
@Path("dcb")
@ApplicationScoped
@DeclareRoles(DcbConfig.ROLE)
@Tag(name = "dcb", description = "The event store over HTTP (DCB API), when enabled")
@SecurityRequirement(name = OpenApi.BASIC)
public class DcbResource {

    private static final Logger LOG = Logger.getLogger(DcbResource.class.getName());
    private static final JsonGeneratorFactory GENERATORS = Json.createGeneratorFactory(Map.of());
    /** Runs of an append that meets a transient failure; each in a new transaction. */
    static final RetryPolicy RETRIES = new RetryPolicy(5, Duration.ofMillis(5), Duration.ofMillis(100));
    /** How long a read waits for a streaming slot before it is answered 503. */
    static final long READ_SLOT_WAIT_MS = 1000;
    /** Deadlock, serialization failure, lock timeout. */
    private static final Set<String> TRANSIENT_STATES = Set.of("40P01", "40001", "55P03");

    @Inject
    EventStore store;

    @Inject
    Transactions transactions;

    /** Permits of the reads that stream at once. */
    private final Semaphore readers = new Semaphore(DcbConfig.maxConcurrentReads());

    /**
     * Events matching the query as a JSON array, written page by page ({@link PagedRead}): each
     * page is read in a short transaction of its own and written after its connection went back
     * to the pool, so a slow client holds no connection. At most
     * {@code pgevents.dcb.max-concurrent-reads} reads stream at a time; a read over that waits up to
     * a second for a slot, then gets 503 with Retry-After. The first page is read here, so a failure to read is still a problem response.
     */
    @GET
    @Path("read")
    @Produces(MediaType.APPLICATION_JSON)
    public Response read(@QueryParam("query") String query, @QueryParam("options") String options) {
        ReadRequest request;
        try {
            request = DcbJson.readRequest(query, options);
        } catch (DcbBadRequest e) {
            return problem(e);
        }
        if (request.empty()) {
            return Response.ok("[]", MediaType.APPLICATION_JSON_TYPE).build();
        }
        if (!slotForRead()) {
            return Response.fromResponse(Problem.of(Response.Status.SERVICE_UNAVAILABLE, "the server already streams "
                    + DcbConfig.maxConcurrentReads() + " reads, its limit (pgevents.dcb.max-concurrent-reads); retry shortly")
                    .toResponse()).header("Retry-After", 1).build();
        }
        PagedRead read;
        List<StoredEvent> first;
        try {
            read = new PagedRead(store, request);
            first = read.nextPage();
        } catch (RuntimeException e) {
            readers.release();
            if (e instanceof InvalidInputException) {
                return Problem.of(Response.Status.BAD_REQUEST, e.getMessage()).toResponse();
            }
            if (e instanceof EventStoreException) {
                return unavailable("read", e);
            }
            throw e;
        }
        StreamingOutput body = out -> {
            try {
                write(read, first, out);
            } finally {
                readers.release();
            }
        };
        return Response.ok(body, MediaType.APPLICATION_JSON_TYPE).build();
    }

    /**
     * HEAD of a read: the checks of a GET, no body. Explicit, because JAX-RS runs the GET method for
     * a HEAD and then never writes its body: the streaming slot the GET took would never be freed.
     */
    @HEAD
    @Path("read")
    @Produces(MediaType.APPLICATION_JSON)
    public Response readHead(@QueryParam("query") String query, @QueryParam("options") String options) {
        try {
            DcbJson.readRequest(query, options);
        } catch (DcbBadRequest e) {
            return problem(e);
        }
        return Response.ok().type(MediaType.APPLICATION_JSON_TYPE).build();
    }

    /** A free streaming slot, waited for a moment: a burst of short reads still gets through. */
    private boolean slotForRead() {
        try {
            return readers.tryAcquire(READ_SLOT_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Writes the array page by page. */
    static void write(PagedRead read, List<StoredEvent> first, OutputStream out) throws IOException {
        JsonGenerator g = GENERATORS.createGenerator(new KeepOpen(out), StandardCharsets.UTF_8);
        g.writeStartArray();
        try {
            for (List<StoredEvent> page = first; !page.isEmpty(); page = read.nextPage()) {
                for (StoredEvent e : page) {
                    writeEvent(g, e);
                }
                g.flush();
            }
        } catch (EventStoreException e) {
            // The status line is gone: break the body (no closing bracket), so no client mistakes
            // a truncated array for a complete answer.
            LOG.log(Level.WARNING, "/dcb/read failed while streaming; the response is cut short", e);
            throw new IOException("read failed while streaming", e);
        }
        g.writeEnd();
        g.close(); // flushes; KeepOpen leaves the response stream to the container
    }

    static void writeEvent(JsonGenerator g, StoredEvent e) {
        g.writeStartObject();
        g.write("position", e.position());
        g.write("type", e.type());
        g.write("version", e.version());
        g.writeStartArray("tags");
        for (String tag : e.tags()) {
            g.write(tag);
        }
        g.writeEnd();
        g.write("data", DataCodec.decode(e.payload(), e.metadata()));
        g.write("id", e.eventId().toString());
        writeCause(g, e.metadata());
        if (e.recordedAt() != null) {
            g.write("recordedAt", e.recordedAt().toString());
        }
        g.writeEnd();
    }

    /** The correlation and causation ids of the event's metadata, when it has them (docs/http-api.md). */
    private static void writeCause(JsonGenerator g, String metadata) {
        if (metadata == null || !metadata.contains("tionId\"")) {
            return;
        }
        try (JsonReader r = DataCodec.READERS.createReader(new StringReader(metadata))) {
            JsonObject m = r.readObject();
            for (String key : List.of("correlationId", "causationId")) {
                if (m.get(key) instanceof JsonString id) {
                    g.write(key, id.getString());
                }
            }
        }
    }

    /**
     * Appends all events atomically in request order, or none when the condition fails (200,
     * {@code appendConditionFailed: true}). {@code durationInMicroseconds}: the server's time for
     * the request, parsing included.
     */
    @POST
    @Path("append")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Extension(name = OpenApi.ERRORS, value = "409")
    public Response append(@Context HttpHeaders headers, InputStream body) {
        long start = System.nanoTime();
        MediaType type = headers.getMediaType();
        String charset = type == null ? null : type.getParameters().get(MediaType.CHARSET_PARAMETER);
        if (type == null || type.isWildcardType() || type.isWildcardSubtype()
                || (charset != null && !charset.trim().equalsIgnoreCase("utf-8"))) {
            // JAX-RS lets application/* and */* match @Consumes(application/json): say it exactly
            return problem(new DcbBadRequest(415, "an append body is application/json in UTF-8, not " + type));
        }
        if (headers.getLength() > DcbLimits.MAX_APPEND_BODY_BYTES) {
            return problem(new DcbBadRequest(413, "the request body has " + headers.getLength()
                    + " bytes, the limit of an append is " + DcbLimits.MAX_APPEND_BODY_BYTES));
        }
        AppendRequest request;
        try {
            request = DcbJson.appendRequest(new DcbJson.LimitedInputStream(body, DcbLimits.MAX_APPEND_BODY_BYTES));
            KnownTypes.check(request.events(), store.registry());
        } catch (DcbBadRequest e) {
            return problem(e);
        }
        List<RawEvent> events = request.events().stream().map(e -> raw(e, store.registry())).toList();
        boolean conditionFailed = false;
        for (int attempt = 1; ; attempt++) {
            try {
                // A JTA transaction, as a decision's: inline listeners run in it and can fail it.
                transactions.inNewTransaction(() -> store.appendRaw(events, request.condition()));
                break;
            } catch (AppendConditionFailed e) {
                conditionFailed = true;
                break;
            } catch (InvalidInputException e) {
                return Problem.of(Response.Status.BAD_REQUEST, e.getMessage()).toResponse();
            } catch (EventStoreException e) {
                if (!isTransient(e)) {
                    return e.getCause() instanceof SQLException sql ? sqlProblem(sql) : unavailable("append", e);
                }
                if (attempt == RETRIES.maxAttempts()) {
                    LOG.log(Level.INFO, "/dcb/append met concurrent writers {0} times, answering 503: {1}",
                            new Object[] {attempt, e.getMessage()});
                    return Response.fromResponse(Problem.of(Response.Status.SERVICE_UNAVAILABLE, "the append met "
                            + "concurrent writers " + attempt + " times (deadlock or lock timeout) and appended nothing; retry it")
                            .toResponse()).header("Retry-After", 1).build();
                }
                pause(RETRIES.backoff(attempt, ThreadLocalRandom.current()));
            }
        }
        long micros = (System.nanoTime() - start) / 1000;
        String json = "{\"durationInMicroseconds\":" + micros + ",\"appendConditionFailed\":" + conditionFailed + "}";
        return Response.ok(json, MediaType.APPLICATION_JSON_TYPE).build();
    }

    /**
     * Deadlocks (a decision's second lock statement against this append's keys), serialization
     * failures and lock timeouts: normal races that a new transaction can win.
     */
    static boolean isTransient(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof EventStoreAccessException access && (access.isTransient()
                    || TRANSIENT_STATES.contains(String.valueOf(access.sqlState())))) {
                return true;
            }
            if (t instanceof SQLException sql && TRANSIENT_STATES.contains(String.valueOf(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    private static void pause(Duration pause) {
        try {
            Thread.sleep(pause.toMillis(), pause.toNanosPart() % 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A text {@code data} is stored as a JSON string, marked in the metadata to read back unchanged.
     * Every event gets the request's correlation id and its command id as causation, as a
     * decision's events do.
     */
    private static RawEvent raw(DcbEvent e, EventTypeRegistry registry) {
        return new RawEvent(e.id(), e.type(), KnownTypes.version(e, registry), new LinkedHashSet<>(e.tags()), e.payload(),
                metadata(e.text()));
    }

    private static final JsonBuilderFactory BUILDERS = Json.createBuilderFactory(Map.of());

    /** The metadata as the event store's codec writes it ({@link Metadata}'s properties). */
    private static String metadata(boolean text) {
        Metadata m = Causes.stamp(text ? Metadata.empty().with(DataCodec.MARK_KEY, DataCodec.MARK_TEXT) : Metadata.empty());
        if (m.equals(Metadata.empty())) {
            return DataCodec.JSON_METADATA;
        }
        JsonObjectBuilder json = BUILDERS.createObjectBuilder();
        if (m.correlationId() != null) {
            json.add("correlationId", m.correlationId());
        }
        if (m.causationId() != null) {
            json.add("causationId", m.causationId());
        }
        if (!m.values().isEmpty()) {
            JsonObjectBuilder values = BUILDERS.createObjectBuilder();
            m.values().forEach(values::add);
            json.add("values", values);
        }
        return json.build().toString();
    }

    private static Response problem(DcbBadRequest e) {
        return Problem.of(Response.Status.fromStatusCode(e.status()), e.getMessage()).toResponse();
    }

    private static Response sqlProblem(SQLException e) {
        String state = String.valueOf(e.getSQLState());
        if ("23505".equals(state) && String.valueOf(e.getMessage()).contains("es_event_event_id_key")) {
            return Problem.of(Response.Status.CONFLICT, "an event id of the request already exists").toResponse();
        }
        if (state.startsWith("22") || state.startsWith("54")) {
            // data exceptions (a value PostgreSQL cannot store) and "too complex" (nesting depth)
            return Problem.of(Response.Status.BAD_REQUEST,
                    "PostgreSQL rejected the events: " + ProblemMappers.firstLine(e.getMessage())).toResponse();
        }
        return unavailable("append", e);
    }

    private static Response unavailable(String what, Exception e) {
        String incident = UUID.randomUUID().toString();
        LOG.log(Level.SEVERE, "/dcb/" + what + " failed, incident " + incident, e);
        return Problem.of(Response.Status.SERVICE_UNAVAILABLE,
                "the event store is not available; incident " + incident + " is in the server log").toResponse();
    }

    /** Lets the generator flush and close without closing the container's stream. */
    private static final class KeepOpen extends FilterOutputStream {
        KeepOpen(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
