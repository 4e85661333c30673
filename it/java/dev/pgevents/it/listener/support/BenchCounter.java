package dev.pgevents.it.listener.support;

import dev.pgevents.readmodel.ProjectedEntity;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The benchmark's read model: a total per counter. */
@Entity
@Table(name = "it_bench_counter")
public class BenchCounter extends ProjectedEntity {

    @Id
    @Column(name = "counter_id")
    private String counterId;

    @Column(name = "total", nullable = false)
    private long total;

    @Column(name = "events", nullable = false)
    private int events;

    protected BenchCounter() {
    }

    public BenchCounter(String counterId) {
        this.counterId = counterId;
    }

    void add(long amount) {
        total += amount;
        events++;
    }

    public long total() {
        return total;
    }

    public int events() {
        return events;
    }
}
