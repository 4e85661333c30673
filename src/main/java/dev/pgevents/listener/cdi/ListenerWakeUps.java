package dev.pgevents.listener.cdi;

import dev.pgevents.eventstore.AppendedEvent;
import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.EventsAppended;
import dev.pgevents.listener.PassResult;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The coalesced wake-ups of this node's listeners and the NOTIFY to other nodes. Every committed
 * append on this node lands here (the observer runs only after a successful commit of the
 * appending JTA transaction, never for a rollback); the {@link ListenerRuntime} EJB is called only
 * when a timer must be created, about once per pass rather than once per append: the EJB call per
 * append was 4.5% of the server's samples under commands, now 1.6% (docs/benchmarks.md).
 */
@ApplicationScoped
public class ListenerWakeUps {

    private static final Logger LOG = Logger.getLogger(ListenerWakeUps.class.getName());

    @Inject
    ListenerRuntime runtime;

    /**
     * A listener's wake-up state. {@code count} counts wake-ups: a pass that sees it changed while
     * it ran runs again, so a wake-up that met a busy pass (which may have read the store before
     * that commit) is never lost. {@code delayMillis}: its wake delay (the pass carries what
     * commits meanwhile).
     */
    private record Woken(EventQuery query, long delayMillis, AtomicBoolean pending, AtomicLong count) {
    }

    private final Map<String, Woken> listeners = new ConcurrentHashMap<>();
    private final AtomicBoolean notifyPending = new AtomicBoolean();
    private final AtomicBoolean notifyScheduled = new AtomicBoolean();
    private volatile boolean running;
    private volatile boolean notifyOtherNodes;
    /** Shortest time between two NOTIFYs; the first after a quiet spell goes at once. */
    private volatile long notifyIntervalNanos;
    /** When the last NOTIFY timer fired (at the start: an interval before it, so the first goes at once). */
    private volatile long lastNotifyNanos;
    /** The clock (tests set their own). */
    LongSupplier nanoTime = System::nanoTime;

    void register(String id, EventQuery query, Duration wakeDelay) {
        listeners.put(id, new Woken(query, wakeDelay.toMillis(), new AtomicBoolean(), new AtomicLong()));
    }

    /**
     * Starts the wake-ups; with {@code notifyOtherNodes}, commits also ask for a NOTIFY, at most one
     * per {@code notifyInterval}: each one is a transaction of its own that every listening node
     * (this one included) receives, and under load a NOTIFY per few appends was as many as
     * 500 a second (docs/benchmarks.md, "NOTIFY at most every 20 ms").
     */
    void start(boolean notifyOtherNodes, Duration notifyInterval) {
        this.notifyOtherNodes = notifyOtherNodes;
        this.notifyIntervalNanos = notifyInterval.toNanos();
        lastNotifyNanos = nanoTime.getAsLong() - notifyIntervalNanos;
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
                if (matchesAny(listener.query(), appended.events())) {
                    wakeOrLog(id);
                }
            });
        }
        if (notifyOtherNodes) {
            notifyPending.set(true);
            if (notifyScheduled.compareAndSet(false, true)) {
                boolean scheduled = false;
                try {
                    scheduled = runtime.scheduleNotify(notifyDelayMillis());
                } finally {
                    if (!scheduled) {
                        notifyScheduled.set(false); // the next append tries again
                    }
                }
            }
        }
    }

    private static boolean matchesAny(EventQuery query, List<AppendedEvent> events) {
        for (AppendedEvent e : events) {
            if (query.matches(e.type(), e.tags())) {
                return true;
            }
        }
        return false;
    }

    /** After a commit: a timer that cannot be created must not keep the other listeners asleep (their poll timers remain). */
    private void wakeOrLog(String id) {
        try {
            wakeSoon(id);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "listener " + id + ": could not schedule its wake-up, its poll timer will run it", e);
        }
    }

    /** Wakes every listener of this node after its wake delay (coalesced: at most one pending wake-up each). */
    void wakeAll() {
        for (String id : listeners.keySet()) {
            wakeOrLog(id);
        }
    }

    /** A wake-up: counted, and a pass after the listener's wake delay. */
    private void wakeSoon(String id) {
        Woken listener = listeners.get(id);
        if (listener != null) {
            wake(listener, id, true, listener.delayMillis());
        }
    }

    /** A pass of the listener after the delay; counted as a wake-up when the delay is 0. */
    void wake(String id, long delayMillis) {
        Woken listener = listeners.get(id);
        if (listener != null) {
            wake(listener, id, delayMillis == 0, delayMillis);
        }
    }

    /** One timer at most is pending per listener. */
    private void wake(Woken listener, String id, boolean counted, long delayMillis) {
        if (counted) {
            listener.count().incrementAndGet();
        }
        if (running && listener.pending().compareAndSet(false, true)) {
            boolean scheduled = false;
            try {
                scheduled = runtime.scheduleWake(id, Math.max(0, delayMillis));
            } finally {
                if (!scheduled) {
                    listener.pending().set(false);
                }
            }
        }
    }

    /**
     * A pass that began at wake-up count {@code seen} ended: the pass it still needs. A wake-up
     * counted while it ran may have met it after it read the store, so it runs again; a BUSY pass
     * met another one running, which sees the count changed when it ends.
     */
    void passEnded(String id, long seen, PassResult result) {
        switch (result.kind()) {
            case MORE -> wake(id, 0);
            case RETRY_LATER -> wake(id, result.delay().toMillis());
            case CAUGHT_UP -> {
                if (count(id) != seen) {
                    wakeSoon(id);
                }
            }
            default -> { }
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

    /** What is left of the interval since the last NOTIFY: 0 after a quiet spell. */
    private long notifyDelayMillis() {
        long left = notifyIntervalNanos - (nanoTime.getAsLong() - lastNotifyNanos);
        return left <= 0 ? 0 : (left + 999_999) / 1_000_000;
    }

    /** The NOTIFY timer fired: whether an append since the last NOTIFY asks for one. */
    boolean takeNotify() {
        lastNotifyNanos = nanoTime.getAsLong();
        notifyScheduled.set(false);
        return notifyPending.getAndSet(false);
    }
}
