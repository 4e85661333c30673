package dev.pgevents.telemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import jakarta.enterprise.inject.spi.CDI;
import java.util.Collection;

/** {@link Tracing} over the OpenTelemetry bean of MicroProfile Telemetry. Loaded only when its API is visible. */
final class OpenTelemetryBackend implements Tracing.Backend {

    private static final String INSTRUMENTATION = "dev.pgevents";

    private final Tracer tracer;

    private OpenTelemetryBackend(Tracer tracer) {
        this.tracer = tracer;
    }

    static Tracing.Backend create() {
        return new OpenTelemetryBackend(CDI.current().select(OpenTelemetry.class).get().getTracer(INSTRUMENTATION));
    }

    @Override
    public TraceSpan start(String name, Collection<String> links) {
        SpanBuilder builder = tracer.spanBuilder(name);
        if (links != null) {
            builder.setNoParent();
            links.stream().distinct().map(OpenTelemetryBackend::parse)
                    .filter(SpanContext::isValid).forEach(builder::addLink);
        }
        Span span = builder.startSpan();
        return wrap(span, span.makeCurrent());
    }

    @Override
    public TraceSpan current() {
        return wrap(Span.current(), null);
    }

    /** The span as a TraceSpan; closing it ends the span only if this code started it (scope given). */
    private static TraceSpan wrap(Span span, Scope scope) {
        return new TraceSpan() {
            @Override
            public TraceSpan attribute(String key, long value) {
                span.setAttribute(key, value);
                return this;
            }

            @Override
            public TraceSpan attribute(String key, String value) {
                span.setAttribute(key, value);
                return this;
            }

            @Override
            public void failed(Throwable error) {
                span.recordException(error);
                span.setStatus(StatusCode.ERROR);
            }

            @Override
            public void close() {
                if (scope != null) {
                    scope.close();
                    span.end();
                }
            }
        };
    }

    @Override
    public String currentTraceParent() {
        SpanContext c = Span.current().getSpanContext();
        if (!c.isValid() || !c.isSampled()) {
            return null;
        }
        return "00-" + c.getTraceId() + "-" + c.getSpanId() + "-" + c.getTraceFlags().asHex();
    }

    /** A W3C traceparent ({@code 00-<32 hex>-<16 hex>-<2 hex>}); invalid for anything else. */
    static SpanContext parse(String traceParent) {
        if (traceParent == null || traceParent.length() != 55 || !traceParent.startsWith("00-")) {
            return SpanContext.getInvalid();
        }
        return SpanContext.createFromRemoteParent(traceParent.substring(3, 35), traceParent.substring(36, 52),
                TraceFlags.fromHex(traceParent, 53), TraceState.getDefault());
    }
}
