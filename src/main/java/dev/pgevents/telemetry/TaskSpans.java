package dev.pgevents.telemetry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The span and the cause of one processor task run: {@code task <type>}, linked to the span of the
 * command that appended the task's triggering event, and that event's correlation id (the event
 * is the cause), so what the task publishes carries them on (Kafka headers).
 */
public final class TaskSpans {

    private static final Logger LOG = Logger.getLogger(TaskSpans.class.getName());

    private TaskSpans() {
    }

    /** The task's triggering event as far as tracing needs it; null fields when it has none. */
    public record Trigger(String eventId, String correlationId, String traceParent) {
        static final Trigger NONE = new Trigger(null, null, null);
    }

    /** Reads the triggering event's id, correlation id and trace context (none if it is gone). */
    public static Trigger trigger(Connection c, long position) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT event_id::text, metadata->>'correlationId',"
                + " metadata->'values'->>'" + Causes.TRACE_PARENT + "' FROM es_event WHERE position = ?")) {
            ps.setLong(1, position);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Trigger(rs.getString(1), rs.getString(2), rs.getString(3)) : Trigger.NONE;
            }
        }
    }

    /**
     * Starts the task's span and cause. {@code trigger} reads the triggering event (in the caller's
     * transaction); if it fails (database trouble) the task runs unlinked, as it would anyway.
     */
    public static Causes.Scope start(TriggerRead trigger, String type, long taskId, long triggeringPosition) {
        Trigger t;
        try {
            t = trigger.read();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "task " + taskId + ": its triggering event could not be read for its trace", e);
            t = Trigger.NONE;
        }
        TraceSpan span = Tracing.startLinked("task " + type, t.traceParent() == null ? List.of() : List.of(t.traceParent()))
                .attribute("pgevents.task", taskId)
                .attribute("pgevents.task.type", type)
                .attribute("pgevents.position", triggeringPosition);
        Causes.Scope cause = t.eventId() == null ? null
                : Causes.enter(new Cause(t.correlationId() == null ? t.eventId() : t.correlationId(), t.eventId()));
        return () -> {
            if (cause != null) {
                cause.close();
            }
            span.close();
        };
    }

    /** How the caller reads the {@link Trigger}. */
    public interface TriggerRead {
        Trigger read();
    }
}
