package dev.pgevents.eventstore.cdi;

import dev.pgevents.eventstore.EventCodec;
import dev.pgevents.eventstore.EventStore;
import dev.pgevents.eventstore.EventTypeRegistry;
import dev.pgevents.eventstore.EventTypes;
import dev.pgevents.eventstore.EventsAppended;
import dev.pgevents.eventstore.JsonbEventSerializer;
import dev.pgevents.eventstore.Upcaster;
import dev.pgevents.eventstore.jdbc.JdbcEventStore;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.time.Duration;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Builds the application's {@link EventStore} on the {@code jdbc/pgevents} data source, with a
 * registry holding every {@link EventTypes} contribution and every {@link Upcaster} (CDI beans,
 * or produced ones, of the domain).
 * Each append fires {@link EventsAppended} (see {@link NotifyingEventStore}).
 * Config: {@code pgevents.read.fetch-size} (rows per cursor round trip, default 500),
 * {@code pgevents.store.broad-condition-lock-timeout-ms} (how long a condition on "all" or whole
 * types waits for its locks, default 2000, 0: no limit), {@code pgevents.store.group-commit}
 * (default true: appends made outside a transaction share one transaction and commit with those
 * made at the same time) and {@code pgevents.store.group-commit-max-batch} (appends per shared
 * transaction at most, default 100).
 */
@ApplicationScoped
public class EventStoreProducer {

    @Resource(lookup = "jdbc/pgevents")
    DataSource dataSource;

    @Inject
    Instance<EventTypes> contributions;

    @Inject
    Instance<Upcaster> upcasters;

    @Inject
    @ConfigProperty(name = "pgevents.read.fetch-size", defaultValue = "500")
    int fetchSize;

    @Inject
    @ConfigProperty(name = "pgevents.store.broad-condition-lock-timeout-ms", defaultValue = "2000")
    long broadConditionLockTimeoutMillis;

    @Inject
    @ConfigProperty(name = "pgevents.store.group-commit", defaultValue = "true")
    boolean groupCommit;

    @Inject
    @ConfigProperty(name = "pgevents.store.group-commit-max-batch", defaultValue = "100")
    int groupCommitMaxBatch;

    @Produces
    @Singleton
    public EventTypeRegistry registry() {
        EventTypeRegistry registry = new EventTypeRegistry();
        // upcasters first: registering a class checks its whole chain
        for (Upcaster upcaster : upcasters) {
            registry.register(upcaster);
        }
        for (EventTypes contribution : contributions) {
            contribution.eventTypes().forEach(registry::register);
        }
        return registry;
    }

    @Inject
    Event<EventsAppended> appended;

    @Resource
    TransactionSynchronizationRegistry transactions;

    private JdbcEventStore store;

    @Produces
    @ApplicationScoped
    public EventStore eventStore(EventTypeRegistry registry) {
        return new NotifyingEventStore(jdbcStore(registry), appended);
    }

    /** The codec the store encodes and decodes with: listeners decode each event with it. */
    @Produces
    @Singleton
    public EventCodec codec(EventTypeRegistry registry) {
        return jdbcStore(registry).codec();
    }

    private synchronized JdbcEventStore jdbcStore(EventTypeRegistry registry) {
        if (store == null) {
            JdbcEventStore plain = new JdbcEventStore(dataSource, registry, new JsonbEventSerializer(), fetchSize,
                    () -> transactions.getTransactionKey() != null, Duration.ofMillis(broadConditionLockTimeoutMillis));
            store = groupCommit ? plain.withGroupCommit(groupCommitMaxBatch) : plain;
        }
        return store;
    }
}
