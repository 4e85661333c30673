package dev.pgevents.decision.cdi;

import dev.pgevents.decision.DecisionMaker;
import dev.pgevents.decision.RetryPolicy;
import dev.pgevents.listener.cdi.InlineListeners;
import dev.pgevents.transaction.Transactions;
import dev.pgevents.eventstore.EventStore;
import dev.pgevents.eventstore.UnknownTypePolicy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.function.ToLongFunction;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;

/**
 * Produces the {@link DecisionMaker} on the application's event store and JTA transactions.
 * Config (MicroProfile Config):
 * <ul>
 *   <li>{@code pgevents.decision.max-attempts} (default 10): runs before a DecisionConflictException;</li>
 *   <li>{@code pgevents.decision.backoff-min-ms} (default 5) and {@code pgevents.decision.backoff-max-ms}
 *       (default 200): bounds of the jittered exponential backoff between runs;</li>
 *   <li>{@code pgevents.decision.unknown-types} (FAIL or SKIP, default FAIL): what a state read
 *       does with an event of a type no registered class carries;</li>
 *   <li>{@code pgevents.store.group-commit} (default true): decisions made outside a transaction
 *       first run optimistically and share the store's group commit (see {@link DecisionMaker});</li>
 *   <li>{@code pgevents.decision.state-cache-size} (default 10000, 0 turns it off): the folded states
 *       kept, each keyed by its initial state, so the next decision on them needs no read, or a
 *       short one (see {@link DecisionMaker#cachingStates}); the gauges
 *       {@code pgevents.decision.state.cache.hits}, {@code .misses}, {@code .stale} and {@code .entries}
 *       count the decisions that found all their states in it, those that did not (and read
 *       them), the runs on cached states that proved out of date, and the states kept.</li>
 * </ul>
 */
@ApplicationScoped
public class DecisionMakerProducer {

    @Inject
    EventStore store;

    @Inject
    Transactions transactions;

    @Inject
    @ConfigProperty(name = "pgevents.decision.max-attempts", defaultValue = "10")
    int maxAttempts;

    @Inject
    @ConfigProperty(name = "pgevents.decision.backoff-min-ms", defaultValue = "5")
    long backoffMinMs;

    @Inject
    @ConfigProperty(name = "pgevents.decision.backoff-max-ms", defaultValue = "200")
    long backoffMaxMs;

    @Inject
    @ConfigProperty(name = "pgevents.decision.unknown-types", defaultValue = "FAIL")
    UnknownTypePolicy unknownTypes;

    @Inject
    @ConfigProperty(name = "pgevents.store.group-commit", defaultValue = "true")
    boolean groupCommit;

    @Inject
    @ConfigProperty(name = "pgevents.decision.state-cache-size", defaultValue = "10000")
    int stateCacheSize;

    @Inject
    InlineListeners inlineListeners;

    @Inject
    MetricRegistry metrics;

    @Produces
    @Singleton
    public DecisionMaker decisionMaker() {
        DecisionMaker maker = new DecisionMaker(store, transactions,
                new RetryPolicy(maxAttempts, Duration.ofMillis(backoffMinMs), Duration.ofMillis(backoffMaxMs)), unknownTypes);
        if (stateCacheSize < 0) {
            throw new IllegalArgumentException("pgevents.decision.state-cache-size must be 0 (off) or positive: " + stateCacheSize);
        }
        if (stateCacheSize > 0) {
            maker = maker.cachingStates(stateCacheSize);
        }
        maker = groupCommit ? maker.sharingCommits(inlineListeners::handles) : maker;
        if (stateCacheSize > 0) {
            cacheGauge(maker, "hits", "Decisions that found all their states in the state cache", DecisionMaker.CacheStatistics::hits);
            cacheGauge(maker, "misses", "Decisions that read their states: one at least was not in the state cache"
                    + " (a new entity, or one pushed out by the cache's size)", DecisionMaker.CacheStatistics::misses);
            cacheGauge(maker, "stale", "Runs on cached states whose append condition found newer events (another decision"
                    + " or node wrote first): read again", DecisionMaker.CacheStatistics::stale);
            cacheGauge(maker, "entries", "States in the state cache", DecisionMaker.CacheStatistics::entries);
        }
        return maker;
    }

    private void cacheGauge(DecisionMaker maker, String name, String description,
                            ToLongFunction<DecisionMaker.CacheStatistics> value) {
        metrics.gauge(Metadata.builder().withName("pgevents.decision.state.cache." + name).withDescription(description)
                .withUnit(MetricUnits.NONE).build(), maker, m -> value.applyAsLong(m.cacheStatistics()));
    }
}
