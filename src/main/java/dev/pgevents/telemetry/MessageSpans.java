package dev.pgevents.telemetry;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Trace context and correlation across Kafka: a published message carries the
 * {@value #CORRELATION_ID} and W3C {@value Causes#TRACE_PARENT} headers of the work that
 * publishes it; a consumed message's handling is a span linked to the publisher's and a
 * {@link Cause} with its correlation id, caused by the message.
 */
public final class MessageSpans {

    public static final String CORRELATION_ID = "Correlation-Id";

    private MessageSpans() {
    }

    /** Headers a message published now carries (none outside any request, event or span). */
    public static Map<String, String> outboundHeaders() {
        Map<String, String> headers = new HashMap<>();
        Cause cause = Causes.current();
        if (cause != null) {
            headers.put(CORRELATION_ID, cause.correlationId());
        }
        String traceParent = Tracing.currentTraceParent();
        if (traceParent != null) {
            headers.put(Causes.TRACE_PARENT, traceParent);
        }
        return headers;
    }

    /** The span of handling one consumed message, linked to the publisher's span when its headers name one. */
    public static TraceSpan inbound(String translator, String coordinates, Map<String, String> headers) {
        String traceParent = headers.get(Causes.TRACE_PARENT);
        return Tracing.startLinked("inbound " + translator, traceParent == null ? List.of() : List.of(traceParent))
                .attribute("pgevents.translator", translator)
                .attribute("pgevents.message", coordinates);
    }

    /** Work caused by a consumed message: its correlation id header, else the message's coordinates. */
    public static Causes.Scope causedBy(String coordinates, Map<String, String> headers) {
        String correlationId = headers.get(CORRELATION_ID);
        return Causes.enter(new Cause(correlationId == null ? coordinates : correlationId, coordinates));
    }
}
