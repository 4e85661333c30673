package dev.pgevents.it.outbound.support;

import dev.pgevents.eventstore.Event;
import dev.pgevents.eventstore.EventTypes;
import dev.pgevents.eventstore.Tag;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.List;

/** Test-only events recording a task's publication (no domain), tagged {@code outbound-task:<task id>}. */
public sealed interface PublicationEvents extends Event {

    /** The broker acknowledged the task's message at this place. */
    record MessagePublished(@Tag("outbound-task") long task, String topic, int partition, long offset, String messageId)
            implements PublicationEvents {
    }

    /** The task failed for good (appended by the failure callback). */
    record PublicationFailed(@Tag("outbound-task") long task, String error) implements PublicationEvents {
    }

    @ApplicationScoped
    class Types implements EventTypes {
        @Override
        public Collection<Class<? extends Event>> eventTypes() {
            return List.of(PublicationEvents.class);
        }
    }
}
