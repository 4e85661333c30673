package dev.pgevents.telemetry;

/**
 * The spans of a decision: {@code decide <Decision>} around all attempts (attributes: attempts,
 * conflicts, events appended, or the rule that rejected it), with children per attempt for the
 * state read, the process step and the append.
 */
public final class DecisionSpans {

    public static final String EVENTS = "pgevents.events";
    public static final String REJECTED = "pgevents.decision.rejected";
    static final String ATTEMPTS = "pgevents.decision.attempts";
    static final String CONFLICTS = "pgevents.decision.conflicts";
    static final String LAST_CONFLICT = "pgevents.decision.last_conflict";

    private DecisionSpans() {
    }

    public static TraceSpan decide(String decision) {
        return Tracing.start("decide " + decision).attribute("pgevents.decision", decision);
    }

    /** On the current decide span: attempt number {@code attempt} starts after {@code conflict} (null for the first). */
    public static void attempt(int attempt, Throwable conflict) {
        TraceSpan span = Tracing.current();
        span.attribute(ATTEMPTS, attempt);
        if (conflict != null) {
            span.attribute(CONFLICTS, attempt - 1L);
            span.attribute(LAST_CONFLICT, String.valueOf(conflict.getMessage()));
        }
    }

    public static TraceSpan stateRead() {
        return Tracing.start("state read");
    }

    public static TraceSpan process() {
        return Tracing.start("process");
    }

    public static TraceSpan append(int events) {
        return Tracing.start("append").attribute(EVENTS, events);
    }
}
