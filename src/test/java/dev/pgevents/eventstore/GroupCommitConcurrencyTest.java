package dev.pgevents.eventstore;

import dev.pgevents.eventstore.jdbc.JdbcEventStore;
import org.junit.jupiter.api.BeforeAll;

/** Every race of {@link ConcurrencyTest} again, with group commit on: racing appends share batches. */
class GroupCommitConcurrencyTest extends ConcurrencyTest {

    @BeforeAll
    static void groupCommit() {
        appendedPositions.clear();
        store = new JdbcEventStore(pool, TestEvents.registry(), new JsonbEventSerializer()).withGroupCommit(100);
    }
}
