package dev.pgevents.listener;

/** The state of a listener's checkpoint row. */
public enum ListenerStatus {
    /** Handles events. */
    RUNNING,
    /** Paused by an operator; resumes from its checkpoint. */
    PAUSED,
    /** Stopped on an event that failed its last attempt (failure policy STOP); readiness is DOWN. */
    FAILED
}
