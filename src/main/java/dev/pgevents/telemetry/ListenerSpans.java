package dev.pgevents.telemetry;

import dev.pgevents.eventstore.RecordedEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The span of a listener batch: {@code listener <id>}, a root span linked to the span of every
 * command whose events the batch handles (their trace contexts are in the events' metadata), with
 * the listener id and the batch's first and last positions as attributes.
 */
public final class ListenerSpans {

    public static final String LISTENER = "pgevents.listener";
    public static final String FIRST_POSITION = "pgevents.position.first";
    public static final String LAST_POSITION = "pgevents.position.last";

    private ListenerSpans() {
    }

    /** @param events the decoded batch; null entries are events of unknown types the listener skips */
    public static TraceSpan batch(String listener, List<RecordedEvent> events) {
        List<String> causes = new ArrayList<>();
        long first = -1;
        long last = -1;
        for (RecordedEvent e : events) {
            if (e == null) {
                continue;
            }
            first = first < 0 ? e.position() : first;
            last = e.position();
            causes.add(e.metadata().values().get(Causes.TRACE_PARENT));
        }
        causes.removeIf(Objects::isNull);
        return Tracing.startLinked("listener " + listener, causes)
                .attribute(LISTENER, listener)
                .attribute(FIRST_POSITION, first)
                .attribute(LAST_POSITION, last);
    }
}
