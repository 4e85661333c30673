package dev.pgevents.processor;

/** Hooks for metrics: the worker calls them after an attempt's outcome was recorded. */
public interface TaskObserver {

    TaskObserver NONE = new TaskObserver() {
    };

    /**
     * A task completed.
     *
     * @param handlerNanos  the handler's time
     * @param latencyMillis from the enqueueing transaction's start to the completion (database clock)
     */
    default void completed(String type, long handlerNanos, long latencyMillis) {
    }

    /** An attempt failed (a retry is scheduled, or the task failed for good: then {@link #failed} follows). */
    default void attemptFailed(String type, long handlerNanos) {
    }

    /** A task failed for good. */
    default void failed(String type) {
    }
}
