package dev.pgevents.eventstore.cdi;

import dev.pgevents.eventstore.EventCodec;
import dev.pgevents.eventstore.EventStore;
import dev.pgevents.eventstore.EventTypeRegistry;
import dev.pgevents.eventstore.EventTypes;
import dev.pgevents.eventstore.EventsAppended;
import dev.pgevents.eventstore.JsonbEventSerializer;
import dev.pgevents.eventstore.Upcaster;
import dev.pgevents.eventstore.jdbc.GroupCommitStatistics;
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
import java.util.function.ToLongFunction;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;

/**
 * Builds the application's {@link EventStore} on the {@code jdbc/pgevents} data source, with a
 * registry holding every {@link EventTypes} contribution and every {@link Upcaster} (CDI beans,
 * or produced ones, of the domain).
 * Each append fires {@link EventsAppended} (see {@link NotifyingEventStore}).
 * Config: {@code pgevents.read.fetch-size} (rows per cursor round trip, default 500),
 * {@code pgevents.store.broad-condition-lock-timeout-ms} (how long a condition on "all" or whole
 * types waits for its locks, default 2000, 0: no limit), {@code pgevents.store.group-commit}
 * (default true: appends made outside a transaction share one transaction and commit with
 * those made at the same time) and {@code pgevents.store.group-commit-max-batch} (appends per shared
 * transaction at most, default 100), {@code pgevents.store.group-commit-lock-timeout-ms} (how long
 * a shared transaction waits for a lock before its appends run alone, default 200). With group
 * commit, the gauges {@code pgevents.store.group.commit.batches}, {@code .appends},
 * {@code .fallbacks}, {@code .busy.milliseconds} (cumulative) and {@code .waiting}.
 */
@ApplicationScoped
public class EventStoreProducer {

    private static final Logger LOG = Logger.getLogger(EventStoreProducer.class.getName());

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

    @Inject
    @ConfigProperty(name = "pgevents.store.group-commit-lock-timeout-ms", defaultValue = "200")
    long groupCommitLockTimeoutMillis;

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

    @Inject
    MetricRegistry metrics;

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

    private void groupCommitGauge(String name, String description, ToLongFunction<GroupCommitStatistics> value) {
        metrics.gauge(Metadata.builder().withName(name).withDescription(description).withUnit(MetricUnits.NONE).build(), store,
                s -> s.groupCommitStatistics().map(value::applyAsLong).orElse(0L));
    }

    private synchronized JdbcEventStore jdbcStore(EventTypeRegistry registry) {
        if (store == null) {
            JdbcEventStore plain = new JdbcEventStore(dataSource, registry, new JsonbEventSerializer(), fetchSize,
                    () -> transactions.getTransactionKey() != null, Duration.ofMillis(broadConditionLockTimeoutMillis));
            store = groupCommit ? plain.withGroupCommit(groupCommitMaxBatch, Duration.ofMillis(groupCommitLockTimeoutMillis)) : plain;
            if (groupCommit) {
                LOG.info(() -> "event store: group commit on (up to " + groupCommitMaxBatch + " appends per shared transaction,"
                        + " lock timeout " + groupCommitLockTimeoutMillis + " ms)");
                groupCommitGauge("pgevents.store.group.commit.batches", "Shared append transactions run", GroupCommitStatistics::batches);
                groupCommitGauge("pgevents.store.group.commit.appends", "Appends in shared transactions (divided by the batches:"
                        + " the mean batch size)", GroupCommitStatistics::appends);
                groupCommitGauge("pgevents.store.group.commit.fallbacks", "Shared append transactions that failed before"
                        + " their commit (a lock wait beyond the timeout, a duplicate event id): their appends ran alone",
                        GroupCommitStatistics::fallbacks);
                groupCommitGauge("pgevents.store.group.commit.waiting", "Appends waiting for the next shared transaction",
                        GroupCommitStatistics::waiting);
                groupCommitGauge("pgevents.store.group.commit.busy.milliseconds", "Time a shared append transaction was"
                        + " running (one at a time)", GroupCommitStatistics::busyMillis);
            }
        }
        return store;
    }
}
