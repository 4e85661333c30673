package dev.pgevents.telemetry;

import java.util.Collection;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Spans of the framework (decisions, listener batches, processor tasks, Kafka messages) through
 * MicroProfile Telemetry's OpenTelemetry. Everything here is a no-op when the OpenTelemetry API
 * is not visible to the application (no mpTelemetry feature, or no third-party API visibility),
 * outside a container (unit tests), or while the SDK is disabled ({@code otel.sdk.disabled=true},
 * the default): Liberty then hands out a no-op tracer.
 */
public final class Tracing {

    private static final Logger LOG = Logger.getLogger(Tracing.class.getName());

    private static volatile Backend backend;

    private Tracing() {
    }

    /** A span that is a child of the current one (or a root). */
    public static TraceSpan start(String name) {
        return backend().start(name, null);
    }

    /**
     * A new root span linked to the spans whose trace contexts are given (W3C traceparent values,
     * as events store them; nulls and malformed values are ignored): a listener batch handling
     * events of several commands links to each of them.
     */
    public static TraceSpan startLinked(String name, Collection<String> traceParents) {
        return backend().start(name, traceParents);
    }

    /** The current span (to add attributes), not to be closed by the caller. */
    public static TraceSpan current() {
        return backend().current();
    }

    /** The current span's trace context as a W3C traceparent value, or null without a sampled span. */
    public static String currentTraceParent() {
        return backend().currentTraceParent();
    }

    interface Backend {
        TraceSpan start(String name, Collection<String> links);

        TraceSpan current();

        String currentTraceParent();
    }

    private static final Backend NONE = new Backend() {
        @Override
        public TraceSpan start(String name, Collection<String> links) {
            return TraceSpan.NONE;
        }

        @Override
        public TraceSpan current() {
            return TraceSpan.NONE;
        }

        @Override
        public String currentTraceParent() {
            return null;
        }
    };

    private static Backend backend() {
        Backend b = backend;
        if (b == null) {
            b = load();
            backend = b;
        }
        return b;
    }

    /** OpenTelemetry's tracer if the application can see it, else the no-op backend (decided once). */
    private static Backend load() {
        try {
            Class.forName("io.opentelemetry.api.trace.Tracer", false, Tracing.class.getClassLoader());
            return OpenTelemetryBackend.create();
        } catch (ClassNotFoundException | LinkageError e) {
            LOG.fine("OpenTelemetry's API is not visible to the application: no framework spans");
            return NONE;
        } catch (RuntimeException e) {
            // no CDI container (unit tests) or no OpenTelemetry bean (no mpTelemetry feature)
            LOG.log(Level.FINE, "no OpenTelemetry bean: no framework spans", e);
            return NONE;
        }
    }
}
