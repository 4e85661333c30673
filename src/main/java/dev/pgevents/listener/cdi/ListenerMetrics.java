package dev.pgevents.listener.cdi;

import dev.pgevents.listener.ListenerObserver;
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
 * MicroProfile Metrics of the listeners, tagged {@code listener=<id>}:
 * {@code pgevents.listener.events.handled} (counter), {@code pgevents.listener.handler.time}
 * (timer, one sample per committed batch), {@code pgevents.listener.failures} and
 * {@code pgevents.listener.parked} (counters), {@code pgevents.listener.lag} (gauge: safe position
 * minus checkpoint, -1 when the database is unreachable).
 */
@ApplicationScoped
public class ListenerMetrics implements ListenerObserver {

    static final String HANDLED = "pgevents.listener.events.handled";
    static final String HANDLER_TIME = "pgevents.listener.handler.time";
    static final String FAILURES = "pgevents.listener.failures";
    static final String PARKED = "pgevents.listener.parked";
    static final String LAG = "pgevents.listener.lag";

    @Inject
    MetricRegistry registry;

    private final Map<String, Meters> meters = new ConcurrentHashMap<>();

    private record Meters(Counter handled, Timer handlerTime, Counter failures, Counter parked) {
    }

    private static Tag tag(String id) {
        return new Tag("listener", id);
    }

    void register(String id, ToLongFunction<String> lag) {
        meters.put(id, new Meters(
                registry.counter(Metadata.builder().withName(HANDLED).withDescription("Events handled and committed").build(), tag(id)),
                registry.timer(Metadata.builder().withName(HANDLER_TIME)
                        .withDescription("Time spent in the handler per committed batch").withUnit(MetricUnits.NANOSECONDS).build(),
                        tag(id)),
                registry.counter(Metadata.builder().withName(FAILURES).withDescription("Failed attempts of events").build(), tag(id)),
                registry.counter(Metadata.builder().withName(PARKED).withDescription("Events parked after their last attempt").build(),
                        tag(id))));
        registry.gauge(Metadata.builder().withName(LAG)
                .withDescription("Positions between the store's safe position and the listener's checkpoint").build(),
                id, i -> lag.applyAsLong(i), tag(id));
    }

    @Override
    public void committed(String listenerId, int events, long handlerNanos, long position) {
        Meters m = meters.get(listenerId);
        if (m != null) {
            m.handled().inc(events);
            m.handlerTime().update(Duration.ofNanos(handlerNanos));
        }
    }

    @Override
    public void failed(String listenerId, long position, Throwable error) {
        Meters m = meters.get(listenerId);
        if (m != null) {
            m.failures().inc();
        }
    }

    @Override
    public void parked(String listenerId, long position) {
        Meters m = meters.get(listenerId);
        if (m != null) {
            m.parked().inc();
        }
    }
}
