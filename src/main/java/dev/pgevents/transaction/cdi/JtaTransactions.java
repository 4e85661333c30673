package dev.pgevents.transaction.cdi;

import dev.pgevents.transaction.Transactions;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.concurrent.Callable;

/**
 * {@link Transactions} on JTA: each call runs in a new container transaction (an enclosing one is
 * suspended); it commits on return and rolls back on any exception, which is rethrown here,
 * outside the container's boundary ({@link TransactionBoundary}).
 */
@ApplicationScoped
public class JtaTransactions implements Transactions {

    @Inject
    TransactionBoundary boundary;

    @Resource(lookup = "java:comp/TransactionSynchronizationRegistry")
    TransactionSynchronizationRegistry registry;

    @Override
    public boolean active() {
        return registry.getTransactionKey() != null;
    }

    @Override
    public <T> T inNewTransaction(Callable<T> work) {
        TransactionBoundary.Outcome<T> outcome = boundary.run(work);
        Exception failure = outcome.failure();
        if (failure == null) {
            return outcome.value();
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        throw new TransactionWorkException(failure);
    }
}
