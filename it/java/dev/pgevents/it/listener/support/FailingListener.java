package dev.pgevents.it.listener.support;

import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.QueryItem;
import dev.pgevents.eventstore.RecordedEvent;
import dev.pgevents.listener.EventListener;
import jakarta.enterprise.context.ApplicationScoped;

/** Fails on every Poisoned event (configured: 2 attempts, then STOP). */
@ApplicationScoped
public class FailingListener implements EventListener {

    public static final String ID = "it-failing";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public EventQuery query() {
        return EventQuery.of(QueryItem.types(ItEvents.Poisoned.class));
    }

    @Override
    public void handle(RecordedEvent event) {
        throw new IllegalStateException("poisoned event " + event.position());
    }
}
