package dev.pgevents.listener;

/** Carries a listener's own failure (decode, beforeBatch, handle) out of the transaction it rolls back. */
final class HandlerFailed extends RuntimeException {

    private static final long serialVersionUID = 1L;

    HandlerFailed(Throwable cause) {
        super(cause.toString(), cause, false, false);
    }
}
