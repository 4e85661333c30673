package dev.pgevents.telemetry;

import dev.pgevents.eventstore.Metadata;
import dev.pgevents.eventstore.RecordedEvent;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import java.io.StringReader;

/**
 * The {@link Cause} of the work on the current thread, and the stamp it leaves on appended
 * events: correlation id, causation id and the trace context ({@value #TRACE_PARENT}, W3C) of
 * the span that appends, so whoever handles the event later can link its span to the command's.
 * A thread-local: the HTTP filter, the listener engine and the inbound engine set it around the
 * work they run on their own thread.
 */
public final class Causes {

    /** The metadata key of an event's trace context, a W3C {@code traceparent} value. */
    public static final String TRACE_PARENT = "traceparent";

    private static final ThreadLocal<Cause> CURRENT = new ThreadLocal<>();

    private Causes() {
    }

    /** A scope that restores the previous cause when closed. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    public static Cause current() {
        return CURRENT.get();
    }

    /** Makes {@code cause} current until the scope closes. */
    public static Scope enter(Cause cause) {
        Cause previous = CURRENT.get();
        CURRENT.set(cause);
        return () -> {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        };
    }

    /** Work caused by an event: same correlation as the event (its own id if it has none), caused by it. */
    public static Scope causedBy(RecordedEvent event) {
        String eventId = event.eventId().toString();
        String correlation = event.metadata().correlationId();
        return enter(new Cause(correlation == null ? eventId : correlation, eventId));
    }

    /** The correlation id in an event's stored metadata (JSON), or null. */
    public static String correlationId(String metadataJson) {
        if (metadataJson == null || !metadataJson.contains("correlationId")) {
            return null;
        }
        try (JsonReader r = Json.createReader(new StringReader(metadataJson))) {
            return r.readObject().get("correlationId") instanceof JsonString id ? id.getString() : null;
        } catch (JsonException e) {
            return null; // not ours to judge here: the log line goes on without it
        }
    }

    /**
     * The metadata an appended event gets: what the decision set itself wins; the current cause
     * fills correlation and causation, the current span the trace context.
     */
    public static Metadata stamp(Metadata metadata) {
        Metadata stamped = metadata;
        Cause cause = CURRENT.get();
        if (cause != null) {
            if (stamped.correlationId() == null) {
                stamped = stamped.withCorrelationId(cause.correlationId());
            }
            if (stamped.causationId() == null) {
                stamped = stamped.withCausationId(cause.causationId());
            }
        }
        if (!stamped.values().containsKey(TRACE_PARENT)) {
            String traceParent = Tracing.currentTraceParent();
            if (traceParent != null) {
                stamped = stamped.with(TRACE_PARENT, traceParent);
            }
        }
        return stamped;
    }
}
