package dev.pgevents.processor;

/** Where a task is in its life. */
public enum TaskStatus {
    /** Waiting for its (first or next) attempt. */
    QUEUED,
    /** Claimed by a worker, under a lease. */
    RUNNING,
    /** Completed; kept so that enqueueing it again changes nothing. */
    DONE,
    /** No attempts left or past its deadline; the failure callback ran. Retry or delete it. */
    FAILED
}
