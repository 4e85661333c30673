package dev.pgevents.it.listener.support;

import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** Test read model: the total and the number of Added events per counter. */
@Entity
@Table(name = "it_counter_summary")
public class CounterSummary extends CounterTotals {

    protected CounterSummary() {
    }

    public CounterSummary(String counterId) {
        super(counterId);
    }
}
