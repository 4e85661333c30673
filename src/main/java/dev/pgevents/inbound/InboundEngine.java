package dev.pgevents.inbound;

import dev.pgevents.telemetry.Causes;
import dev.pgevents.telemetry.MessageSpans;
import dev.pgevents.telemetry.TraceSpan;
import dev.pgevents.decision.DecisionConflictException;
import dev.pgevents.decision.DecisionMaker;
import dev.pgevents.decision.DecisionRejected;
import dev.pgevents.transaction.Transactions;
import dev.pgevents.eventstore.EventStore;
import dev.pgevents.eventstore.EventStoreAccessException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Handles inbound messages with an exactly-once effect. For each message, one transaction holds
 * the command's effect (the decision's or the append's events) and the advance of the consumer
 * group's stored offset for the message's partition; a message at or below the stored offset is a
 * redelivery and changes nothing. A message that cannot become a command, or whose command is
 * rejected, is parked in the same way: the dead letter and the offset advance commit together,
 * so a bad message neither disappears nor comes back.
 *
 * <p>A failure outside the message (database unreachable, a decision that kept conflicting) throws
 * {@link InboundUnavailableException} after recording nothing: the caller handles the message
 * again later.
 */
public final class InboundEngine {

    private static final Logger LOG = Logger.getLogger(InboundEngine.class.getName());
    private static final int MAX_ERROR_LENGTH = 4000;

    /** What happened to a message. */
    public enum Outcome { APPLIED, DUPLICATE, PARKED }

    /**
     * What is written beside a command, in its transaction: the claim before it (false: the work
     * was done already, the transaction does nothing), then the record of its success or of its
     * rejection (a rejection commits too, so no exception leaves the transaction for a normal
     * outcome).
     */
    private interface Bookkeeping {
        boolean claim(Connection c) throws SQLException;

        void applied(Connection c) throws SQLException;

        void rejected(Connection c, String error) throws SQLException;
    }

    private enum Result { APPLIED, DUPLICATE, REJECTED }

    private final DataSource dataSource;
    private final Transactions transactions;
    private final EventStore store;
    private final Function<Transactions, DecisionMaker> decisionMakers;

    /**
     * @param dataSource     the JTA datasource of the event store (the offset and the events share
     *                       a connection and a transaction)
     * @param decisionMakers a decision maker that runs its attempts in the transactions given
     */
    public InboundEngine(DataSource dataSource, Transactions transactions, EventStore store,
                         Function<Transactions, DecisionMaker> decisionMakers) {
        this.dataSource = dataSource;
        this.transactions = transactions;
        this.store = store;
        this.decisionMakers = decisionMakers;
    }

    /** Handles one message read by the consumer group; see the class comment. */
    public Outcome handle(String group, Translator translator, InboundMessage message) {
        try (TraceSpan span = MessageSpans.inbound(translator.name(), message.coordinates(), message.headers());
             Causes.Scope cause = MessageSpans.causedBy(message.coordinates(), message.headers())) {
            return handleMessage(group, translator, message);
        }
    }

    private Outcome handleMessage(String group, Translator translator, InboundMessage message) {
        Bookkeeping offset = new Bookkeeping() {
            @Override
            public boolean claim(Connection c) throws SQLException {
                return InboundTables.advance(c, group, message);
            }

            @Override
            public void applied(Connection c) {
            }

            @Override
            public void rejected(Connection c, String error) throws SQLException {
                InboundTables.park(c, translator.name(), group, message, error);
            }
        };
        InboundCommand command;
        try {
            command = translator.translate(message);
        } catch (RuntimeException e) {
            return park(translator, message, offset, badMessage(e));
        }
        Result result;
        try {
            result = apply(command, offset);
        } catch (RuntimeException e) {
            if (isOutage(e)) {
                throw new InboundUnavailableException("message " + message.coordinates() + " could not be handled now: "
                        + e.getMessage(), e);
            }
            return park(translator, message, offset, "the command failed: " + e.getMessage());
        }
        return switch (result) {
            case APPLIED -> Outcome.APPLIED;
            case DUPLICATE -> Outcome.DUPLICATE;
            case REJECTED -> {
                logParked(translator, message, "its command was rejected");
                yield Outcome.PARKED;
            }
        };
    }

    /** The offset of the last message of this partition the group consumed, if any. */
    public OptionalLong lastOffset(String group, String topic, int partition) {
        try (Connection c = dataSource.getConnection()) {
            return InboundTables.lastOffset(c, group, topic, partition);
        } catch (SQLException e) {
            throw new InboundUnavailableException("could not read the stored offset of " + group + " on " + topic
                    + "/" + partition + ": " + e.getMessage(), e);
        }
    }

    /** The dead letters, of one translator or (null) of all. */
    public List<ParkedMessage> parked(String translator) {
        return transactions.inNewTransaction(() -> {
            try (Connection c = dataSource.getConnection()) {
                return InboundTables.parked(c, translator);
            }
        });
    }

    /**
     * Runs a parked message through its translator again; on success the command's effect and
     * the deletion of the dead letter commit together. On failure the dead letter stays with the
     * new error and {@link RetryFailedException} is thrown.
     */
    public void retryParked(long id, Map<String, Translator> translators) {
        InboundTables.Parked parked = transactions.inNewTransaction(() -> {
            try (Connection c = dataSource.getConnection()) {
                return InboundTables.findParked(c, id);
            }
        }).orElseThrow(() -> new ParkedMessageNotFoundException(id));
        Translator translator = translators.get(parked.info().translator());
        String[] rejection = new String[1];
        Bookkeeping deadLetter = new Bookkeeping() {
            @Override
            public boolean claim(Connection c) throws SQLException {
                return InboundTables.lockParked(c, id);
            }

            @Override
            public void applied(Connection c) throws SQLException {
                InboundTables.deleteParked(c, id);
            }

            @Override
            public void rejected(Connection c, String error) throws SQLException {
                rejection[0] = error;
                InboundTables.recordFailedRetry(c, id, error);
            }
        };
        String error;
        if (translator == null) {
            error = "translator " + parked.info().translator() + " is not deployed";
        } else {
            try {
                Result result = apply(translator.translate(parked.message()), deadLetter);
                if (result != Result.REJECTED) {
                    return; // applied, or retried concurrently by someone else
                }
                throw new RetryFailedException(id, rejection[0]);
            } catch (RetryFailedException e) {
                throw e;
            } catch (RuntimeException e) {
                if (isOutage(e)) {
                    throw e;
                }
                error = badMessage(e);
            }
        }
        String recorded = truncate(error);
        transactions.inNewTransaction(() -> {
            try (Connection c = dataSource.getConnection()) {
                InboundTables.recordFailedRetry(c, id, recorded);
            }
            return null;
        });
        throw new RetryFailedException(id, recorded);
    }

    /** Deletes a dead letter (the operator gives up on it). */
    public void deleteParked(long id) {
        boolean deleted = transactions.inNewTransaction(() -> {
            try (Connection c = dataSource.getConnection()) {
                return InboundTables.deleteParked(c, id);
            }
        });
        if (!deleted) {
            throw new ParkedMessageNotFoundException(id);
        }
    }

    /** Runs the command with its bookkeeping in one transaction (a decision: one per attempt). */
    private Result apply(InboundCommand command, Bookkeeping bookkeeping) {
        if (command == null) {
            throw new IllegalStateException("the translator returned no command (use InboundCommand.ignore())");
        }
        if (command instanceof InboundCommand.Decide decide) {
            Result[] result = {Result.APPLIED};
            DecisionMaker maker = decisionMakers.apply(new Transactions() {
                @Override
                public boolean active() {
                    return transactions.active();
                }

                @Override
                public <T> T inNewTransaction(Callable<T> work) {
                    return transactions.inNewTransaction(() -> {
                        try (Connection c = dataSource.getConnection()) {
                            if (!bookkeeping.claim(c)) {
                                result[0] = Result.DUPLICATE;
                                return null; // the maker's "answered by the transaction's owner": nothing appended
                            }
                            T appended;
                            try {
                                appended = work.call();
                            } catch (DecisionRejected e) {
                                // nothing was appended; the rejection is recorded and commits
                                String error = truncate(rejection(e));
                                bookkeeping.rejected(c, error);
                                result[0] = Result.REJECTED;
                                return null;
                            }
                            bookkeeping.applied(c);
                            result[0] = Result.APPLIED;
                            return appended;
                        }
                    });
                }
            });
            maker.make(decide.decision());
            return result[0];
        }
        return transactions.inNewTransaction(() -> {
            try (Connection c = dataSource.getConnection()) {
                if (!bookkeeping.claim(c)) {
                    return Result.DUPLICATE;
                }
                if (command instanceof InboundCommand.Append append) {
                    store.append(append.events());
                }
                bookkeeping.applied(c);
                return Result.APPLIED;
            }
        });
    }

    private Outcome park(Translator translator, InboundMessage message, Bookkeeping offset, String error) {
        String recorded = truncate(error);
        boolean parked;
        try {
            parked = transactions.inNewTransaction(() -> {
                try (Connection c = dataSource.getConnection()) {
                    if (!offset.claim(c)) {
                        return false;
                    }
                    offset.rejected(c, recorded);
                    return true;
                }
            });
        } catch (RuntimeException e) {
            throw new InboundUnavailableException("message " + message.coordinates() + " could not be parked now: "
                    + e.getMessage(), e);
        }
        if (!parked) {
            return Outcome.DUPLICATE;
        }
        logParked(translator, message, recorded);
        return Outcome.PARKED;
    }

    private static void logParked(Translator translator, InboundMessage message, String why) {
        LOG.log(Level.INFO, "translator {0} parked message {1}: {2}",
                new Object[] {translator.name(), message.coordinates(), why});
    }

    private static String badMessage(RuntimeException e) {
        if (e instanceof InvalidMessageException) {
            return e.getMessage();
        }
        return "the translator failed: " + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
    }

    private static String rejection(DecisionRejected e) {
        return "the command was rejected (" + e.reason() + ")"
                + (e.getMessage() != null && !e.getMessage().equals(e.reason()) ? ": " + e.getMessage() : "");
    }

    /**
     * Failures outside the message: the database (unreachable, or any error but bad data: SQLSTATE
     * classes 22 and 23 are the message's fault) and decisions that kept conflicting.
     */
    static boolean isOutage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DecisionConflictException) {
                return true;
            }
            String state = t instanceof SQLException sql ? sql.getSQLState()
                    : t instanceof EventStoreAccessException access ? access.sqlState() : "-";
            if (!"-".equals(state)) {
                return state == null || !(state.startsWith("22") || state.startsWith("23"));
            }
            if (t instanceof jakarta.transaction.SystemException || t instanceof jakarta.transaction.RollbackException
                    || t instanceof jakarta.transaction.TransactionalException) {
                return true;
            }
        }
        return false;
    }

    private static String truncate(String s) {
        return s.length() > MAX_ERROR_LENGTH ? s.substring(0, MAX_ERROR_LENGTH) : s;
    }
}
