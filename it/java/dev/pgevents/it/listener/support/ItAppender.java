package dev.pgevents.it.listener.support;

import dev.pgevents.eventstore.AppendedEvent;
import dev.pgevents.eventstore.Event;
import dev.pgevents.eventstore.EventStore;
import dev.pgevents.eventstore.EventsAppended;
import dev.pgevents.listener.cdi.InlineListeners;
import dev.pgevents.listener.cdi.ListenerRuntime;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.List;

/**
 * Appends in a JTA transaction and announces the append as the store's bean will
 * ({@link EventsAppended} inside the transaction), unless the store already did.
 */
@ApplicationScoped
public class ItAppender {

    @Inject
    jakarta.enterprise.event.Event<EventsAppended> appended;

    @Inject
    InlineListeners inline;

    @Inject
    ListenerRuntime runtime;

    /**
     * The listener runtime's store instance: the application's store bean fails to append as the
     * first statement of a JTA transaction under Liberty (DSRA9350E, reported to its owner); this
     * one joins JTA transactions correctly. Same table, same registry.
     */
    private EventStore store() {
        return runtime.store();
    }

    @Transactional(rollbackOn = Exception.class)
    public List<AppendedEvent> append(Event... events) {
        List<AppendedEvent> out = store().appendEvents(events);
        long last = out.get(out.size() - 1).position();
        if (!inline.alreadyRan(last)) {
            appended.fire(EventsAppended.of(out));
        }
        return out;
    }

    /** An append this node does not announce (as if another node appended). */
    @Transactional(rollbackOn = Exception.class)
    public List<AppendedEvent> appendUnannounced(Event... events) {
        return store().appendEvents(events);
    }
}
