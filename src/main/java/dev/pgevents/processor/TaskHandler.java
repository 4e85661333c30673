package dev.pgevents.processor;

/**
 * Runs the tasks of one type. An application declares a handler as a CDI bean implementing this
 * interface; the processor runtime finds it at start-up. {@link #handle} runs on a container
 * thread outside any transaction (a handler that calls another system should not hold one open);
 * it starts its own transactions for database work, e.g. through the decision maker. Delivery is
 * at least once: a task whose worker died is run again after its lease expired, so a handler's
 * effects must tolerate a repetition (use {@link Task#triggeringPosition()} as a dedupe key).
 */
public interface TaskHandler {

    /** The task type this handler runs: 1 to 200 characters, also its configuration key and metric tag. */
    String type();

    /** Does the work. Returning completes the task; throwing fails this attempt (retried after a backoff). */
    void handle(Task task) throws Exception;

    /**
     * Called once when the task has failed for good (no attempts left or past its deadline), in
     * the transaction that marks it FAILED: database work here commits with that mark (e.g.
     * append an event recording the failure). If it throws, the task is marked FAILED anyway,
     * with this error added to its last error.
     *
     * @param error the last attempt's error (the exception chain, class and message per cause)
     */
    default void failed(Task task, String error) throws Exception {
    }
}
