package dev.pgevents.it.listener.support;

import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.QueryItem;
import dev.pgevents.eventstore.RecordedEvent;
import dev.pgevents.readmodel.JpaReadModel;
import dev.pgevents.readmodel.ProjectedEntity;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * The benchmark's JPA read model. It also records when each batch committed (a JTA
 * synchronization), for the end-to-end latency figure.
 */
@ApplicationScoped
public class BenchReadModel extends JpaReadModel {

    public static final String ID = "it-bench";

    /** position of the last event of a committed batch -> System.nanoTime() of its commit */
    public static final Map<Long, Long> COMMITTED = new ConcurrentHashMap<>();

    /** position of the first event of a batch -> System.nanoTime() when the batch had been read */
    public static final Map<Long, Long> READ = new ConcurrentHashMap<>();

    @Resource(lookup = "jdbc/pgevents-nontx")
    DataSource nonTx;

    @Resource
    TransactionSynchronizationRegistry synchronizations;

    private volatile long batchLast;

    @PostConstruct
    void tables() {
        ItSchema.ensure(nonTx);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public EventQuery query() {
        return EventQuery.of(QueryItem.types(ItEvents.Benched.class));
    }

    @Override
    protected List<Class<? extends ProjectedEntity>> entities() {
        return List.of(BenchCounter.class);
    }

    @Override
    public void beforeBatch(List<RecordedEvent> events) {
        if (!events.isEmpty()) {
            READ.put(events.get(0).position(), System.nanoTime());
        }
        preload(BenchCounter.class, events.stream().map(e -> ((ItEvents.Benched) e.event()).counter())
                .collect(java.util.stream.Collectors.toSet()));
    }

    @Override
    public void handle(RecordedEvent event) {
        ItEvents.Benched b = (ItEvents.Benched) event.event();
        upsert(BenchCounter.class, b.counter(), event, () -> new BenchCounter(b.counter()), c -> c.add(b.amount()));
        batchLast = event.position();
    }

    @Override
    public void endBatch() {
        super.endBatch();
        long last = batchLast;
        synchronizations.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == jakarta.transaction.Status.STATUS_COMMITTED) {
                    COMMITTED.put(last, System.nanoTime());
                }
            }
        });
    }
}
