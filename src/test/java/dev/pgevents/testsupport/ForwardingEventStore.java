package dev.pgevents.testsupport;

import dev.pgevents.eventstore.AppendCondition;
import dev.pgevents.eventstore.AppendedEvent;
import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.EventStore;
import dev.pgevents.eventstore.EventStream;
import dev.pgevents.eventstore.EventTypeRegistry;
import dev.pgevents.eventstore.NewEvent;
import dev.pgevents.eventstore.RawEvent;
import dev.pgevents.eventstore.ReadOptions;
import dev.pgevents.eventstore.RecordedEvent;
import dev.pgevents.eventstore.StoredEvent;
import java.util.List;

/** An event store that hands every call to another: tests override the calls they watch or break. */
public abstract class ForwardingEventStore implements EventStore {

    protected final EventStore delegate;

    protected ForwardingEventStore(EventStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public List<AppendedEvent> append(List<NewEvent> events, AppendCondition condition) {
        return delegate.append(events, condition);
    }

    @Override
    public List<AppendedEvent> appendWithConditions(List<NewEvent> events, List<AppendCondition> conditions) {
        return delegate.appendWithConditions(events, conditions);
    }

    @Override
    public List<AppendedEvent> append(List<NewEvent> events) {
        return delegate.append(events);
    }

    @Override
    public List<AppendedEvent> appendRaw(List<RawEvent> events, AppendCondition condition) {
        return delegate.appendRaw(events, condition);
    }

    @Override
    public EventStream<RecordedEvent> read(EventQuery query, ReadOptions options) {
        return delegate.read(query, options);
    }

    @Override
    public EventStream<StoredEvent> readRaw(EventQuery query, ReadOptions options) {
        return delegate.readRaw(query, options);
    }

    @Override
    public long safePosition() {
        return delegate.safePosition();
    }

    @Override
    public long safePosition(EventQuery query) {
        return delegate.safePosition(query);
    }

    @Override
    public EventTypeRegistry registry() {
        return delegate.registry();
    }
}
