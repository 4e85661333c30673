package dev.pgevents.transaction;

import java.util.concurrent.Callable;

/**
 * A transaction boundary: runs the work in a new transaction (suspending any current one),
 * commits when it returns and rolls back when it throws. Runtime exceptions pass unchanged;
 * checked ones arrive wrapped in {@link TransactionWorkException}. In the application it is the
 * JTA bean {@code dev.pgevents.transaction.cdi.JtaTransactions}.
 */
public interface Transactions {

    <T> T inNewTransaction(Callable<T> work);

    /** Whether the calling thread is inside a transaction (then a store call joins it). */
    boolean active();

    /** A checked exception of the work, wrapped (the transaction was rolled back). */
    class TransactionWorkException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        public TransactionWorkException(Exception cause) {
            super(cause.getMessage(), cause);
        }
    }
}
