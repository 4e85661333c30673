package dev.pgevents.decision;

import org.junit.jupiter.api.BeforeAll;

/**
 * Every test of {@link CachingDecisionMakerTest} again with the store's group commit on and the
 * maker sharing commits: decisions on cached states append in a shared commit.
 */
class CachingSharedCommitDecisionMakerTest extends CachingDecisionMakerTest {

    @BeforeAll
    static void shareCommits() {
        SharedCommitDecisionMakerTest.shareCommits();
        maker = maker.cachingStates(1_000);
        // A racer may run three times: on its cached states (stale: another racer won since), then
        // optimistically after a read (a shared batch of another racer conflicts), then on the
        // locking path, which waits and does not fail again.
        racerAttempts = 3;
    }

    @Override
    DecisionMaker caching(dev.pgevents.eventstore.EventStore on, dev.pgevents.transaction.Transactions transactions) {
        return super.caching(on, transactions).sharingCommits((type, tags) -> false);
    }
}
