package dev.pgevents.it.listener.support;

import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** The benchmark's read model: a total per counter. */
@Entity
@Table(name = "it_bench_counter")
public class BenchCounter extends CounterTotals {

    protected BenchCounter() {
    }

    public BenchCounter(String counterId) {
        super(counterId);
    }
}
