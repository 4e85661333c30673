package dev.pgevents.readmodel;

import dev.pgevents.eventstore.RecordedEvent;
import jakarta.persistence.Column;
import jakarta.persistence.MappedSuperclass;

/**
 * Base of a JPA read-model entity: it remembers the position of the last event applied to it, so
 * a change is applied only by a newer event. Listeners deliver at least once (and a parked event
 * can be retried after later ones); with this check a read model applies each event's effect at
 * most once per entity and never lets an older event overwrite a newer state. The table needs a
 * column {@code last_event_position bigint NOT NULL}.
 */
@MappedSuperclass
public abstract class ProjectedEntity {

    @Column(name = "last_event_position", nullable = false)
    private long lastEventPosition;

    public long lastEventPosition() {
        return lastEventPosition;
    }

    /** True if the event is newer than the last one applied to this entity. */
    public boolean isNewer(RecordedEvent event) {
        return event.position() > lastEventPosition;
    }

    /** Applies the change and records the event's position, only if the event is newer; says whether it did. */
    public boolean applyIfNewer(RecordedEvent event, Runnable change) {
        if (!isNewer(event)) {
            return false;
        }
        change.run();
        lastEventPosition = event.position();
        return true;
    }

    void setLastEventPosition(long position) {
        lastEventPosition = position;
    }
}
