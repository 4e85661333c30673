package dev.pgevents.it.listener.support;

import dev.pgevents.eventstore.AppendedEvent;
import dev.pgevents.eventstore.Event;
import dev.pgevents.eventstore.NewEvent;
import dev.pgevents.eventstore.EventStore;
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

    /** The application's store bean: it fires EventsAppended, so wake-ups and inline listeners run as in production. */
    @Inject
    EventStore store;

    @Transactional(rollbackOn = Exception.class)
    public List<AppendedEvent> append(Event... events) {
        return store.append(java.util.Arrays.stream(events).map(NewEvent::of).toList());
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
        List<AppendedEvent> out = silentStore().append(batch);
        return out.get(out.size() - 1).position();
    }

    /** An append this node does not announce (as if another node appended). */
    @Transactional(rollbackOn = Exception.class)
    public List<AppendedEvent> appendUnannounced(Event... events) {
        return silentStore().append(java.util.Arrays.stream(events).map(NewEvent::of).toList());
    }

    @jakarta.annotation.Resource(lookup = "jdbc/pgevents")
    javax.sql.DataSource dataSource;

    @Inject
    dev.pgevents.eventstore.EventTypeRegistry registry;

    /** A store on the same data source that fires no EventsAppended: what another node's append looks like here. */
    private EventStore silentStore() {
        return new dev.pgevents.eventstore.jdbc.JdbcEventStore(dataSource, registry,
                new dev.pgevents.eventstore.JsonbEventSerializer(), dev.pgevents.eventstore.jdbc.JdbcEventStore.DEFAULT_FETCH_SIZE,
                () -> synchronizations.getTransactionKey() != null);
    }
}
