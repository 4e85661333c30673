package dev.pgevents.it.processor.support;

import dev.pgevents.processor.Task;
import dev.pgevents.processor.TaskHandler;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The test deployment's task handlers; each records what it saw, for the test to check. */
public final class ItTaskHandlers {

    public static final String ECHO = "it-echo";
    public static final String FAILING = "it-failing";
    public static final String SHORT_LIVED = "it-short-lived";

    private ItTaskHandlers() {
    }

    /** What a handler call saw: the thread's transaction (none expected) and the task. */
    public record Seen(Task task, boolean inTransaction, String thread) {
    }

    /** Completes every task. */
    @ApplicationScoped
    public static class Echo implements TaskHandler {

        private final Map<Long, Seen> seen = new ConcurrentHashMap<>();

        @Resource
        TransactionSynchronizationRegistry transactions;

        @Override
        public String type() {
            return ECHO;
        }

        @Override
        public void handle(Task task) {
            seen.put(task.id(), new Seen(task, transactions.getTransactionKey() != null, Thread.currentThread().getName()));
        }

        /** What the handler saw of the task, or null if it has not run it (methods: a CDI proxy has no fields). */
        public Seen seen(long id) {
            return seen.get(id);
        }
    }

    /** Fails every attempt; its failure callback records whether it ran in a transaction. */
    @ApplicationScoped
    public static class Failing implements TaskHandler {

        private final Map<Long, Boolean> callbackInTransaction = new ConcurrentHashMap<>();

        @Resource
        TransactionSynchronizationRegistry transactions;

        @Override
        public String type() {
            return FAILING;
        }

        @Override
        public void handle(Task task) {
            throw new IllegalStateException("the downstream system refuses task " + task.id());
        }

        @Override
        public void failed(Task task, String error) {
            callbackInTransaction.put(task.id(), transactions.getTransactionKey() != null);
        }

        /** Whether the callback ran in a transaction for the task; null if it has not run. */
        public Boolean callbackInTransaction(long id) {
            return callbackInTransaction.get(id);
        }
    }

    /** Completes every task; its done tasks are kept for a second only (see ProcessorItConfig). */
    @ApplicationScoped
    public static class ShortLived implements TaskHandler {

        @Override
        public String type() {
            return SHORT_LIVED;
        }

        @Override
        public void handle(Task task) {
            // nothing to do: the test looks at what happens to the done task
        }
    }
}
