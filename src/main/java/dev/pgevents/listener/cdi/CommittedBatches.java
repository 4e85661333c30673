package dev.pgevents.listener.cdi;

import dev.pgevents.listener.ListenerObserver;
import jakarta.enterprise.event.Event;

/** The engine's observer in Liberty: the metrics, and {@link ListenerBatchCommitted} for each committed batch. */
final class CommittedBatches implements ListenerObserver {

    private final ListenerObserver metrics;
    private final Event<ListenerBatchCommitted> committed;

    CommittedBatches(ListenerObserver metrics, Event<ListenerBatchCommitted> committed) {
        this.metrics = metrics;
        this.committed = committed;
    }

    @Override
    public void committed(String listenerId, int events, long handlerNanos, long position) {
        metrics.committed(listenerId, events, handlerNanos, position);
        committed.fire(new ListenerBatchCommitted(listenerId, events, position));
    }

    @Override
    public void failed(String listenerId, long position, Throwable error) {
        metrics.failed(listenerId, position, error);
    }

    @Override
    public void parked(String listenerId, long position) {
        metrics.parked(listenerId, position);
    }
}
