package dev.pgevents.it.listener.support;

import dev.pgevents.readmodel.ProjectedEntity;
import jakarta.persistence.Column;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;

/** The columns of the test read models: a total and the number of events per counter. */
@MappedSuperclass
public abstract class CounterTotals extends ProjectedEntity {

    @Id
    @Column(name = "counter_id")
    private String counterId;

    @Column(name = "total", nullable = false)
    private long total;

    @Column(name = "events", nullable = false)
    private int events;

    protected CounterTotals() {
    }

    protected CounterTotals(String counterId) {
        this.counterId = counterId;
    }

    void add(long amount) {
        total += amount;
        events++;
    }

    public String counterId() {
        return counterId;
    }

    public long total() {
        return total;
    }

    public int events() {
        return events;
    }
}
