package dev.pgevents.inbound.cdi;

import dev.pgevents.decision.DecisionMaker;
import dev.pgevents.eventstore.EventStore;
import dev.pgevents.eventstore.UnknownTypePolicy;
import dev.pgevents.inbound.InboundEngine;
import dev.pgevents.inbound.Translator;
import dev.pgevents.platform.Durations;
import dev.pgevents.transaction.Transactions;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.eclipse.microprofile.config.Config;

/**
 * Runs the application's translators (every CDI bean implementing {@link Translator}) on this
 * node: one Kafka consumer per translator, in the consumer group {@code pgevents-<name>}, on a
 * thread of the server's managed thread factory. Several nodes share a translator's partitions
 * through the consumer group. Settings (MicroProfile Config): see docs/integration.md.
 */
@Singleton
@Startup
@DependsOn("SchemaMigrations")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class InboundRuntime {

    private static final Logger LOG = Logger.getLogger(InboundRuntime.class.getName());
    private static final String PREFIX = "pgevents.inbound.";
    private static final String KAFKA_PREFIX = PREFIX + "kafka.";

    @Resource(lookup = "jdbc/pgevents")
    DataSource dataSource;

    @Resource
    ManagedThreadFactory threads;

    @Inject
    Instance<Translator> translators;

    @Inject
    Transactions transactions;

    @Inject
    EventStore store;

    @Inject
    DecisionMaker decisionMaker;

    @Inject
    Config config;

    @Inject
    InboundMetrics metrics;

    private InboundEngine engine;
    private final Map<String, Translator> byName = new LinkedHashMap<>();
    private final Map<String, TranslatorConsumer> consumers = new ConcurrentHashMap<>();

    @PostConstruct
    void start() {
        UnknownTypePolicy unknownTypes = config.getOptionalValue("pgevents.decision.unknown-types", UnknownTypePolicy.class)
                .orElse(UnknownTypePolicy.FAIL);
        engine = new InboundEngine(dataSource, transactions, store,
                tx -> new DecisionMaker(store, tx, decisionMaker.retryPolicy(), unknownTypes));
        for (Translator t : translators) {
            if (byName.putIfAbsent(t.name(), t) != null) {
                throw new IllegalStateException("two translators are named " + t.name());
            }
            metrics.register(t.name(), this::lag);
        }
        if (!config.getOptionalValue(PREFIX + "enabled", Boolean.class).orElse(true)) {
            LOG.info("inbound translators are disabled on this node (pgevents.inbound.enabled=false)");
            return;
        }
        byName.keySet().forEach(this::startConsumer);
    }

    @PreDestroy
    void stop() {
        consumers.keySet().forEach(this::stopConsumer);
    }

    public InboundEngine engine() {
        return engine;
    }

    /** The deployed translators by name. */
    public Map<String, Translator> translators() {
        return Map.copyOf(byName);
    }

    /** The state of each deployed translator on this node. */
    public List<TranslatorInfo> info() {
        return byName.values().stream().map(this::info).toList();
    }

    public Optional<TranslatorInfo> info(String name) {
        return Optional.ofNullable(byName.get(name)).map(this::info);
    }

    /** Starts this node's consumer of the translator (no-op when it runs). */
    public synchronized void startConsumer(String name) {
        Translator t = byName.get(name);
        if (t == null || consumers.containsKey(name)) {
            return;
        }
        TranslatorConsumer consumer = new TranslatorConsumer(t, group(t), kafkaProperties(t), engine,
                duration("backoff-min", "1s"), duration("backoff-max", "30s"), metrics);
        consumers.put(name, consumer);
        Thread thread = threads.newThread(consumer);
        thread.setName("pgevents-inbound-" + name);
        thread.start();
        LOG.info(() -> "translator " + name + " consumes " + t.topics() + " as group " + consumer.group());
    }

    /** Stops this node's consumer of the translator: it leaves the group, other nodes take over. */
    public synchronized void stopConsumer(String name) {
        TranslatorConsumer consumer = consumers.remove(name);
        if (consumer != null && !consumer.stop(Duration.ofSeconds(30))) {
            LOG.warning(() -> "the consumer of translator " + name + " did not stop within 30 s");
        }
    }

    /** The lag of this node's consumer of the translator; -1 when it does not run here. */
    private long lag(String name) {
        TranslatorConsumer c = consumers.get(name);
        return c == null ? -1 : c.lag();
    }

    private TranslatorInfo info(Translator t) {
        TranslatorConsumer c = consumers.get(t.name());
        return new TranslatorInfo(t.name(), group(t), List.copyOf(t.topics()),
                c == null ? "STOPPED" : c.status().name(), c == null ? null : c.lastError());
    }

    private String group(Translator t) {
        return config.getOptionalValue(PREFIX + t.name() + ".group", String.class).orElse("pgevents-" + t.name());
    }

    private Map<String, Object> kafkaProperties(Translator t) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                config.getOptionalValue(PREFIX + "bootstrap-servers", String.class).orElse("localhost:9092"));
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "pgevents-" + t.name());
        // a topic created after the consumer started is found within 10 s, not Kafka's 5 minutes
        props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "10000");
        for (String name : config.getPropertyNames()) {
            if (name.startsWith(KAFKA_PREFIX)) {
                props.put(name.substring(KAFKA_PREFIX.length()), config.getValue(name, String.class));
            }
        }
        // the framework's guarantees depend on these
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group(t));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return props;
    }

    private Duration duration(String key, String defaultValue) {
        return Durations.parse(config.getOptionalValue(PREFIX + key, String.class).orElse(defaultValue));
    }
}
