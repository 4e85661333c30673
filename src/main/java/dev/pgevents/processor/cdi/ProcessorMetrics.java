package dev.pgevents.processor.cdi;

import dev.pgevents.processor.TaskAdmin;
import dev.pgevents.processor.TaskObserver;
import dev.pgevents.processor.TaskStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;

/**
 * MicroProfile Metrics of the processors, tagged {@code type=<task type>} (only the types of this
 * node's handlers, never client input): {@code pgevents.processor.tasks.completed},
 * {@code pgevents.processor.attempts.failed}, {@code pgevents.processor.tasks.failed} (counters),
 * {@code pgevents.processor.task.latency} (timer: enqueue to completion),
 * {@code pgevents.processor.handler.time} (timer: each attempt), and the gauges
 * {@code pgevents.processor.queued}, {@code .running}, {@code .failed} (tasks in the
 * database, all nodes; one query per scrape at most every second; -1 when it does not answer).
 */
@ApplicationScoped
public class ProcessorMetrics implements TaskObserver {

    static final String COMPLETED = "pgevents.processor.tasks.completed";
    static final String ATTEMPTS_FAILED = "pgevents.processor.attempts.failed";
    static final String FAILED = "pgevents.processor.tasks.failed";
    static final String LATENCY = "pgevents.processor.task.latency";
    static final String HANDLER_TIME = "pgevents.processor.handler.time";
    static final String GAUGE = "pgevents.processor.";

    private static final long COUNTS_MAX_AGE_NANOS = Duration.ofSeconds(1).toNanos();

    @Inject
    MetricRegistry registry;

    private final Map<String, Meters> meters = new ConcurrentHashMap<>();
    private volatile Counts counts = new Counts(Map.of(), 0, false);

    private record Meters(Counter completed, Counter attemptsFailed, Counter failed, Timer latency, Timer handlerTime) {
    }

    private record Counts(Map<String, Map<TaskStatus, Long>> byType, long takenAt, boolean ok) {
    }

    private static Tag tag(String type) {
        return new Tag("type", type);
    }

    void register(Set<String> types, TaskAdmin admin) {
        List<String> all = List.copyOf(types);
        for (String type : all) {
            meters.put(type, new Meters(
                    registry.counter(Metadata.builder().withName(COMPLETED).withDescription("Tasks completed").build(), tag(type)),
                    registry.counter(Metadata.builder().withName(ATTEMPTS_FAILED).withDescription("Failed attempts of tasks").build(),
                            tag(type)),
                    registry.counter(Metadata.builder().withName(FAILED)
                            .withDescription("Tasks failed for good (no attempts left or past their deadline)").build(), tag(type)),
                    registry.timer(Metadata.builder().withName(LATENCY).withDescription("From the enqueue to the completion")
                            .withUnit(MetricUnits.NANOSECONDS).build(), tag(type)),
                    registry.timer(Metadata.builder().withName(HANDLER_TIME).withDescription("Time in the handler per attempt")
                            .withUnit(MetricUnits.NANOSECONDS).build(), tag(type))));
            for (TaskStatus status : List.of(TaskStatus.QUEUED, TaskStatus.RUNNING, TaskStatus.FAILED)) {
                String name = status.name().toLowerCase(java.util.Locale.ROOT);
                registry.gauge(Metadata.builder().withName(GAUGE + name)
                                .withDescription("Tasks " + name + " now (all nodes)").build(),
                        type, t -> count(admin, all, t, status), tag(type));
            }
        }
    }

    private long count(TaskAdmin admin, List<String> types, String type, TaskStatus status) {
        Counts c = counts;
        if (System.nanoTime() - c.takenAt() > COUNTS_MAX_AGE_NANOS) {
            try {
                c = new Counts(admin.counts(types), System.nanoTime(), true);
            } catch (RuntimeException e) {
                c = new Counts(Map.of(), System.nanoTime(), false);
            }
            counts = c;
        }
        return c.ok() ? c.byType().getOrDefault(type, Map.of()).getOrDefault(status, 0L) : -1;
    }

    @Override
    public void completed(String type, long handlerNanos, long latencyMillis) {
        Meters m = meters.get(type);
        if (m != null) {
            m.completed().inc();
            m.handlerTime().update(Duration.ofNanos(handlerNanos));
            m.latency().update(Duration.ofMillis(latencyMillis));
        }
    }

    @Override
    public void attemptFailed(String type, long handlerNanos) {
        Meters m = meters.get(type);
        if (m != null) {
            m.attemptsFailed().inc();
            m.handlerTime().update(Duration.ofNanos(handlerNanos));
        }
    }

    @Override
    public void failed(String type) {
        Meters m = meters.get(type);
        if (m != null) {
            m.failed().inc();
        }
    }
}
