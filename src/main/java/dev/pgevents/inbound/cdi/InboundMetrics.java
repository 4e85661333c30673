package dev.pgevents.inbound.cdi;

import dev.pgevents.inbound.InboundEngine;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;

/**
 * MicroProfile Metrics of the inbound translators, tagged {@code translator=<name>} (the deployed
 * translators only; never a topic, partition, offset or key, which would grow without bound):
 * the counters {@code pgevents.inbound.messages.applied}, {@code .duplicate} (redeliveries that
 * changed nothing), {@code .parked}, {@code pgevents.inbound.pauses} (polls that found the
 * database unavailable), the timer {@code pgevents.inbound.handling.time} (per message, its
 * transaction included) and the gauge {@code pgevents.inbound.lag} (messages of the partitions
 * assigned to this node's consumer not yet handled, as of its last poll; -1 when it does not run).
 */
@ApplicationScoped
public class InboundMetrics {

    static final String APPLIED = "pgevents.inbound.messages.applied";
    static final String DUPLICATE = "pgevents.inbound.messages.duplicate";
    static final String PARKED = "pgevents.inbound.messages.parked";
    static final String PAUSES = "pgevents.inbound.pauses";
    static final String HANDLING_TIME = "pgevents.inbound.handling.time";
    static final String LAG = "pgevents.inbound.lag";

    @Inject
    MetricRegistry registry;

    private final Map<String, Meters> meters = new ConcurrentHashMap<>();

    private record Meters(Counter applied, Counter duplicate, Counter parked, Counter pauses, Timer handlingTime) {
    }

    /** Registers the translator's series; {@code lag} answers the gauge by translator name. */
    void register(String translator, ToLongFunction<String> lag) {
        Tag tag = new Tag("translator", translator);
        meters.put(translator, new Meters(
                registry.counter(Metadata.builder().withName(APPLIED).withDescription("Inbound messages whose command was applied")
                        .build(), tag),
                registry.counter(Metadata.builder().withName(DUPLICATE)
                        .withDescription("Inbound messages delivered again and recognised (nothing changed)").build(), tag),
                registry.counter(Metadata.builder().withName(PARKED).withDescription("Inbound messages parked as dead letters")
                        .build(), tag),
                registry.counter(Metadata.builder().withName(PAUSES)
                        .withDescription("Polls that found the database unavailable (consumption paused)").build(), tag),
                registry.timer(Metadata.builder().withName(HANDLING_TIME).withDescription("Time to handle one inbound message")
                        .withUnit(MetricUnits.NANOSECONDS).build(), tag)));
        registry.gauge(Metadata.builder().withName(LAG)
                .withDescription("Messages of this node's assigned partitions not handled yet (-1: not running)").build(),
                translator, lag::applyAsLong, tag);
    }

    void handled(String translator, InboundEngine.Outcome outcome, long nanos) {
        Meters m = meters.get(translator);
        if (m != null) {
            switch (outcome) {
                case APPLIED -> m.applied().inc();
                case DUPLICATE -> m.duplicate().inc();
                case PARKED -> m.parked().inc();
            }
            m.handlingTime().update(Duration.ofNanos(nanos));
        }
    }

    void paused(String translator) {
        Meters m = meters.get(translator);
        if (m != null) {
            m.pauses().inc();
        }
    }
}
