package dev.pgevents.it.listener.support;

import dev.pgevents.readmodel.ProjectedEntity;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** Test read model: the total and the number of Added events per counter. */
@Entity
@Table(name = "it_counter_summary")
public class CounterSummary extends ProjectedEntity {

    @Id
    @Column(name = "counter_id")
    private String counterId;

    @Column(name = "total", nullable = false)
    private long total;

    @Column(name = "events", nullable = false)
    private int events;

    protected CounterSummary() {
    }

    public CounterSummary(String counterId) {
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
