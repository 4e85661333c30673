package dev.pgevents.cart;

import dev.pgevents.decision.DecisionRejected;

/** The ways a cart command says no: something it names does not exist (404), or a broken rule (409). */
public final class CartRejections {

    private CartRejections() {
    }

    /** The command names a cart, item or product that does not exist. */
    public static final class NotFound extends DecisionRejected {
        private static final long serialVersionUID = 1L;

        public NotFound(String reason, String message) {
            super(reason, message);
        }
    }

    /** A business rule forbids the command; the reason is a stable code, the message says which rule. */
    static DecisionRejected rule(String reason, String message) {
        return new DecisionRejected(reason, message);
    }
}
