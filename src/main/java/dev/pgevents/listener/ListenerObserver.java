package dev.pgevents.listener;

/** Hooks for metrics: the engine calls them after a committed batch and on failures. */
public interface ListenerObserver {

    ListenerObserver NONE = new ListenerObserver() {
    };

    /** A batch of {@code events} events committed; {@code handlerNanos} is the handlers' total time. */
    default void committed(String listenerId, int events, long handlerNanos, long position) {
    }

    /** An event failed an attempt. */
    default void failed(String listenerId, long position, Throwable error) {
    }

    /** An event was parked. */
    default void parked(String listenerId, long position) {
    }
}
