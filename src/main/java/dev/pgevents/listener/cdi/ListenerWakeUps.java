package dev.pgevents.listener.cdi;

import dev.pgevents.eventstore.AppendedEvent;
import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.EventsAppended;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The coalesced wake-ups of this node's listeners and the NOTIFY to other nodes. Every committed
 * append on this node lands here (the observer runs only after a successful commit of the
 * appending JTA transaction, never for a rollback); the {@link ListenerRuntime} EJB is called only
 * when a timer must be created, about once per pass rather than once per append: the EJB call per
 * append was 4.5% of the server's samples under commands, now 1.6% (docs/benchmarks.md).
 */
@ApplicationScoped
public class ListenerWakeUps {

    @Inject
    ListenerRuntime runtime;

    /**
     * A listener's wake-up state. {@code count} counts wake-ups: a pass that sees it changed while
     * it ran runs again, so a wake-up that met a busy pass (which may have read the store before
     * that commit) is never lost.
     */
    private record Woken(EventQuery query, AtomicBoolean pending, AtomicLong count) {
    }

    private final Map<String, Woken> listeners = new ConcurrentHashMap<>();
    private final AtomicBoolean notifyPending = new AtomicBoolean();
    private final AtomicBoolean notifyScheduled = new AtomicBoolean();
    private volatile boolean running;
    private volatile boolean notifyOtherNodes;

    void register(String id, EventQuery query) {
        listeners.put(id, new Woken(query, new AtomicBoolean(), new AtomicLong()));
    }

    void start(boolean notifyOtherNodes) {
        this.notifyOtherNodes = notifyOtherNodes;
        running = true;
    }

    void stop() {
        running = false;
    }

    void committed(@Observes(during = TransactionPhase.AFTER_SUCCESS) EventsAppended appended) {
        if (!running) {
            return;
        }
        if (appended.events().isEmpty()) {
            wakeAll(); // the event does not carry the events
        } else {
            listeners.forEach((id, listener) -> {
                for (AppendedEvent e : appended.events()) {
                    if (listener.query().matches(e.type(), e.tags())) {
                        wake(id, 0);
                        return;
                    }
                }
            });
        }
        if (notifyOtherNodes) {
            notifyPending.set(true);
            if (notifyScheduled.compareAndSet(false, true)) {
                runtime.scheduleNotify();
            }
        }
    }

    /** Wakes every listener of this node now (coalesced: at most one pending wake-up each). */
    void wakeAll() {
        for (String id : listeners.keySet()) {
            wake(id, 0);
        }
    }

    /** A pass of the listener after the delay; one timer at most is pending per listener. */
    void wake(String id, long delayMillis) {
        Woken listener = listeners.get(id);
        if (listener == null) {
            return;
        }
        if (delayMillis == 0) {
            listener.count().incrementAndGet();
        }
        if (running && listener.pending().compareAndSet(false, true)) {
            try {
                runtime.scheduleWake(id, Math.max(0, delayMillis));
            } catch (RuntimeException e) {
                listener.pending().set(false);
                throw e;
            }
        }
    }

    /** The listener's wake-up timer fired: appends from now on schedule another. */
    void fired(String id) {
        Woken listener = listeners.get(id);
        if (listener != null) {
            listener.pending().set(false);
        }
    }

    /** The listener's wake-up count, or -1 for a listener not registered on this node. */
    long count(String id) {
        Woken listener = listeners.get(id);
        return listener == null ? -1 : listener.count().get();
    }

    /** The NOTIFY timer fired: whether an append since the last NOTIFY asks for one. */
    boolean takeNotify() {
        notifyScheduled.set(false);
        return notifyPending.getAndSet(false);
    }
}
