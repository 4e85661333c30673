package dev.pgevents.it.listener.support;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.Optional;

/** Reads of the test read model (JPA reads run in a transaction). */
@ApplicationScoped
public class ItQueries {

    @PersistenceContext(unitName = "pgevents")
    EntityManager em;

    @Transactional
    public Optional<CounterSummary> summary(String counter) {
        return Optional.ofNullable(em.find(CounterSummary.class, counter));
    }

    @Transactional
    public long summaries() {
        return em.createQuery("SELECT count(s) FROM CounterSummary s", Long.class).getSingleResult();
    }
}
