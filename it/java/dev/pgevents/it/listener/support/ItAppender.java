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

    @jakarta.annotation.Resource
    jakarta.transaction.TransactionSynchronizationRegistry synchronizations;

    /** Appends like {@link #append} and returns the nanoTime at which the append's transaction committed. */
    @Transactional(rollbackOn = Exception.class)
    public long[] appendTimed(Event event) {
        long[] out = new long[2];
        synchronizations.registerInterposedSynchronization(new jakarta.transaction.Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                out[1] = System.nanoTime();
            }
        });
        out[0] = append(event).get(0).position();
        return out;
    }

    /** Appends the events in one transaction without announcing them (bulk loading for the benchmark). */
    @Transactional(rollbackOn = Exception.class)
    public long appendBulk(List<Event> events) {
        List<dev.pgevents.eventstore.NewEvent> batch = events.stream().map(dev.pgevents.eventstore.NewEvent::of).toList();
        List<AppendedEvent> out = store().append(batch);
        return out.get(out.size() - 1).position();
    }

    /** An append this node does not announce (as if another node appended). */
    @Transactional(rollbackOn = Exception.class)
    public List<AppendedEvent> appendUnannounced(Event... events) {
        return store().appendEvents(events);
    }
}
