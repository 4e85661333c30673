package dev.pgevents.listener;

import java.time.Duration;

/**
 * What one pass of the engine over a listener did and when to run it again.
 *
 * @param handled events handled and committed in this pass
 * @param delay   for {@link Kind#RETRY_LATER}: when the failing event's next attempt is due
 */
public record PassResult(Kind kind, int handled, Duration delay) {

    public enum Kind {
        /** Caught up with the safe position. */
        CAUGHT_UP,
        /** More events are waiting (the pass yielded after its time budget): run again now. */
        MORE,
        /** An event failed; the next attempt is due after {@link #delay()}. */
        RETRY_LATER,
        /** Another node holds the listener's lease. */
        NOT_OWNER,
        /** Paused or failed. */
        STOPPED,
        /** A pass of this listener is already running on this node. */
        BUSY,
        /** Not registered, or disabled on this node. */
        UNKNOWN
    }

    static PassResult of(Kind kind, int handled) {
        return new PassResult(kind, handled, Duration.ZERO);
    }
}
