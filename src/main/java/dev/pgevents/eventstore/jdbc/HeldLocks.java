package dev.pgevents.eventstore.jdbc;

import dev.pgevents.eventstore.AppendCondition;
import dev.pgevents.eventstore.EventQuery;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The proof a LOCKED read hands to the append in {@link AppendCondition#heldLocks()}:
 * {@code <nonce>:<hash of query and after>}. The read stores the nonce in the transaction-local
 * setting {@value #SETTING}, which every writer clears ({@link LockKeys#appendTo}) and a savepoint rollback
 * reverts; the append inserts without a check only while the setting still holds the nonce, and
 * checks its condition otherwise. The hash ties the proof to the read's query and position.
 */
final class HeldLocks {

    static final String SETTING = "pgevents.locked_read";

    private HeldLocks() {
    }

    static String newNonce() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong());
    }

    static String proof(String nonce, EventQuery query, long after) {
        return nonce + ":" + Long.toHexString(hash(query, after));
    }

    /** The nonce to look for, if the condition carries a proof made for its own query and position. */
    static Optional<String> nonceFor(AppendCondition condition) {
        String proof = condition.heldLocks();
        if (proof == null) {
            return Optional.empty();
        }
        int colon = proof.indexOf(':');
        if (colon <= 0 || !proof.substring(colon + 1).equals(Long.toHexString(hash(condition.failIfEventsMatch(), condition.after())))) {
            return Optional.empty();
        }
        return Optional.of(proof.substring(0, colon));
    }

    private static long hash(EventQuery query, long after) {
        return LockKeys.hash(query + "@" + after);
    }
}
