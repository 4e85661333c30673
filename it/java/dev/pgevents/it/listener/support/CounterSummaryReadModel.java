package dev.pgevents.it.listener.support;

import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.QueryItem;
import dev.pgevents.eventstore.RecordedEvent;
import dev.pgevents.readmodel.JpaReadModel;
import dev.pgevents.readmodel.ProjectedEntity;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/** A JPA read model as an application declares one: a bean, an id, a query, a handler. */
@ApplicationScoped
public class CounterSummaryReadModel extends JpaReadModel {

    public static final String ID = "it-counters";

    @Resource(lookup = "jdbc/pgevents-nontx")
    DataSource nonTx;

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
        return EventQuery.of(QueryItem.types(ItEvents.Added.class));
    }

    @Override
    protected List<Class<? extends ProjectedEntity>> entities() {
        return List.of(CounterSummary.class);
    }

    /** The batch's counters in one select; a new one is then created without a lookup. */
    @Override
    public void beforeBatch(List<RecordedEvent> batch) {
        preload(CounterSummary.class, batch.stream().map(RecordedEvent::event).filter(ItEvents.Added.class::isInstance)
                .map(e -> ((ItEvents.Added) e).counter()).collect(Collectors.toSet()));
    }

    @Override
    public void handle(RecordedEvent event) {
        if (event.event() instanceof ItEvents.Added added) {
            upsert(CounterSummary.class, added.counter(), event, () -> new CounterSummary(added.counter()),
                    s -> s.add(added.amount()));
        }
    }
}
