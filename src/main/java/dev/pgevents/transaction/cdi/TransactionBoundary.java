package dev.pgevents.transaction.cdi;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import java.util.concurrent.Callable;

/**
 * The container transaction of {@link JtaTransactions}. The work's exception never crosses the
 * container's boundary (Liberty writes an FFDC incident file for each one, and a rejected command
 * is a normal outcome): it rolls the transaction back and comes back as a value.
 */
@ApplicationScoped
class TransactionBoundary {

    /** What the work returned, or the exception it threw (then the transaction rolled back). */
    record Outcome<T>(T value, Exception failure) {
    }

    @Resource(lookup = "java:comp/TransactionSynchronizationRegistry")
    TransactionSynchronizationRegistry registry;

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    <T> Outcome<T> run(Callable<T> work) {
        try {
            return new Outcome<>(work.call(), null);
        } catch (Exception e) {
            registry.setRollbackOnly();
            return new Outcome<>(null, e);
        }
    }
}
