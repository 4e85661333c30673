package dev.pgevents.listener;

/** What a listener does after an event's last failed attempt. The event is parked in both cases. */
public enum FailurePolicy {
    /** Park the event and go on with the next ones. */
    PARK,
    /** Park the event and stop the listener (status FAILED) until an operator retries or skips it. */
    STOP
}
