package dev.pgevents.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pgevents.decision.courses.CourseDecisions.DefineCourse;
import dev.pgevents.decision.courses.CourseDecisions.Subscribe;
import dev.pgevents.eventstore.JsonbEventSerializer;
import dev.pgevents.eventstore.jdbc.JdbcEventStore;
import dev.pgevents.transaction.Transactions;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every test of {@link DecisionMakerTest} again, with the store's group commit on and the maker
 * sharing commits (decisions made outside a transaction run optimistically first); then which
 * decisions take which path.
 */
class SharedCommitDecisionMakerTest extends DecisionMakerTest {

    @BeforeAll
    static void shareCommits() {
        store = new JdbcEventStore(tx.dataSource(), store.registry(), new JsonbEventSerializer(),
                JdbcEventStore.DEFAULT_FETCH_SIZE, tx::active).withGroupCommit(100);
        maker = sharing(tx, (type, tags) -> false);
        racerAttempts = 2;
    }

    static DecisionMaker sharing(Transactions transactions, java.util.function.BiPredicate<String, java.util.Set<String>> needs) {
        return new DecisionMaker(store, transactions, new RetryPolicy(10, Duration.ofMillis(1), Duration.ofMillis(20)))
                .sharingCommits(needs);
    }

    /** The test transactions, counting the transactions decisions open. */
    static final class CountingTransactions implements Transactions {
        final AtomicInteger opened = new AtomicInteger();

        @Override
        public <T> T inNewTransaction(Callable<T> work) {
            opened.incrementAndGet();
            return tx.inNewTransaction(work);
        }

        @Override
        public boolean active() {
            return tx.active();
        }
    }

    @Test
    void aDecisionOutsideATransactionOpensNoneOfItsOwn() {
        CountingTransactions counting = new CountingTransactions();
        DecisionResult r = sharing(counting, (type, tags) -> false).make(new DefineCourse(fresh(), 3));
        assertEquals(1, r.attempts());
        assertEquals(0, counting.opened.get(), "read in a short local transaction, appended in a shared commit");
    }

    @Test
    void aDecisionWhoseEventAnInlineListenerHandlesTakesTheLockingPath() {
        CountingTransactions counting = new CountingTransactions();
        DecisionMaker maker = sharing(counting, (type, tags) -> type.equals("StudentSubscribed"));
        String c = fresh();
        maker.make(new DefineCourse(c, 3));
        assertEquals(0, counting.opened.get());
        DecisionResult r = maker.make(new Subscribe(c, "s1"));
        assertEquals(1, r.attempts(), "the optimistic run appended nothing: it is not an attempt of its own");
        assertEquals(1, counting.opened.get());
        assertEquals(1, count("course:" + c, "StudentSubscribed"));
    }

    @Test
    void aDecisionInsideACallersTransactionTakesTheLockingPath() {
        CountingTransactions counting = new CountingTransactions();
        DecisionMaker maker = sharing(counting, (type, tags) -> false);
        String c = fresh();
        counting.inNewTransaction(() -> maker.make(new DefineCourse(c, 3)));
        assertEquals(2, counting.opened.get(), "the caller's, and the decision's own");
        assertEquals(1, count("course:" + c, "CourseDefined"));
    }
}
