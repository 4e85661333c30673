package dev.pgevents.decision.cdi;

import dev.pgevents.decision.Transactions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.concurrent.Callable;

/**
 * {@link Transactions} on JTA: each call runs in a new container transaction (an enclosing one is
 * suspended); it commits on return and rolls back on any exception.
 */
@ApplicationScoped
public class JtaTransactions implements Transactions {

    @Override
    @Transactional(value = Transactional.TxType.REQUIRES_NEW, rollbackOn = Exception.class)
    public <T> T inNewTransaction(Callable<T> work) {
        try {
            return work.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new TransactionWorkException(e);
        }
    }
}
