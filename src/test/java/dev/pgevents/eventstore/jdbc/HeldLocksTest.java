package dev.pgevents.eventstore.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.eventstore.AppendCondition;
import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.QueryItem;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A proof is accepted for exactly the query and position it was made for (no database). */
class HeldLocksTest {

    static final EventQuery TWO_TAGS = EventQuery.tagged("a", "b");
    static final String NONCE = HeldLocks.newNonce();
    static final String PROOF = HeldLocks.proof(NONCE, TWO_TAGS, 42);

    static Optional<String> nonce(EventQuery q, long after, String proof) {
        return HeldLocks.nonceFor(new AppendCondition(q, after, proof));
    }

    @Test
    void theProofOfAReadIsAcceptedForItsQueryAndPosition() {
        assertEquals(Optional.of(NONCE), nonce(TWO_TAGS, 42, PROOF));
        assertEquals(Optional.of(NONCE), nonce(EventQuery.tagged("b", "a"), 42, PROOF), "the same query (tags are a set)");
    }

    @Test
    void anotherQueryOrPositionOrATamperedProofIsNoProof() {
        // prints like TWO_TAGS ("[a, b]"), yet matches other events
        assertTrue(nonce(EventQuery.tagged("a, b"), 42, PROOF).isEmpty());
        assertTrue(nonce(EventQuery.of(QueryItem.tags("a"), QueryItem.tags("b")), 42, PROOF).isEmpty());
        assertTrue(nonce(EventQuery.tagged("a"), 42, PROOF).isEmpty());
        assertTrue(nonce(TWO_TAGS, 0, PROOF).isEmpty());
        assertTrue(nonce(TWO_TAGS, 42, HeldLocks.newNonce() + PROOF.substring(PROOF.indexOf(':'))).isEmpty());
        assertTrue(nonce(TWO_TAGS, 42, PROOF + "x").isEmpty());
        assertTrue(nonce(TWO_TAGS, 42, "forged").isEmpty());
        assertTrue(nonce(TWO_TAGS, 42, null).isEmpty());
    }
}
