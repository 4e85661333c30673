package dev.pgevents.eventstore.cdi;

import dev.pgevents.eventstore.AppendCondition;
import dev.pgevents.eventstore.AppendedEvent;
import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.EventStore;
import dev.pgevents.eventstore.EventStream;
import dev.pgevents.eventstore.EventTypeRegistry;
import dev.pgevents.eventstore.EventsAppended;
import dev.pgevents.eventstore.NewEvent;
import dev.pgevents.eventstore.RawEvent;
import dev.pgevents.eventstore.ReadOptions;
import dev.pgevents.eventstore.RecordedEvent;
import dev.pgevents.eventstore.StoredEvent;
import jakarta.enterprise.event.Event;
import java.util.List;

/**
 * The application's event store: the JDBC store, plus a CDI {@link EventsAppended} event fired
 * inside the appending transaction after each append. Synchronous observers (inline listeners)
 * run in that transaction and can fail it; {@code AFTER_SUCCESS} observers (listener wake-ups)
 * run only once it committed.
 */
final class NotifyingEventStore implements EventStore {

    private final EventStore store;
    private final Event<EventsAppended> appended;

    NotifyingEventStore(EventStore store, Event<EventsAppended> appended) {
        this.store = store;
        this.appended = appended;
    }

    @Override
    public List<AppendedEvent> append(List<NewEvent> events, AppendCondition condition) {
        return fired(store.append(events, condition));
    }

    @Override
    public List<AppendedEvent> appendWithConditions(List<NewEvent> events, List<AppendCondition> conditions) {
        return fired(store.appendWithConditions(events, conditions));
    }

    @Override
    public List<AppendedEvent> append(List<NewEvent> events) {
        return fired(store.append(events));
    }

    @Override
    public List<AppendedEvent> appendRaw(List<RawEvent> events, AppendCondition condition) {
        return fired(store.appendRaw(events, condition));
    }

    private List<AppendedEvent> fired(List<AppendedEvent> events) {
        if (!events.isEmpty()) {
            appended.fire(EventsAppended.of(events));
        }
        return events;
    }

    @Override
    public EventStream<RecordedEvent> read(EventQuery query, ReadOptions options) {
        return store.read(query, options);
    }

    @Override
    public EventStream<StoredEvent> readRaw(EventQuery query, ReadOptions options) {
        return store.readRaw(query, options);
    }

    @Override
    public long safePosition() {
        return store.safePosition();
    }

    @Override
    public long safePosition(EventQuery query) {
        return store.safePosition(query);
    }

    @Override
    public EventTypeRegistry registry() {
        return store.registry();
    }
}
