package dev.pgevents.listener.cdi;

import dev.pgevents.eventstore.EventsAppended;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;

/**
 * Wakes this node's listeners whose query matches the appended events when the append committed:
 * the observer runs only after a successful commit of the appending JTA transaction (never for a
 * rollback).
 */
@ApplicationScoped
public class AppendWakeUp {

    @Inject
    ListenerRuntime runtime;

    void committed(@Observes(during = TransactionPhase.AFTER_SUCCESS) EventsAppended appended) {
        runtime.appended(appended);
    }
}
