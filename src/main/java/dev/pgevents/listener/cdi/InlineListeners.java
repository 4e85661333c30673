package dev.pgevents.listener.cdi;

import dev.pgevents.eventstore.AppendedEvent;
import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.EventsAppended;
import dev.pgevents.eventstore.RecordedEvent;
import dev.pgevents.listener.InlineListener;
import dev.pgevents.listener.InlineListenerException;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.List;
import java.util.Set;

/**
 * Runs the {@link InlineListener}s synchronously when the store fires {@link EventsAppended}
 * inside the append transaction: an exception propagates out of the store's append, so the append
 * fails and its transaction rolls back.
 */
@ApplicationScoped
public class InlineListeners {

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(InlineListeners.class.getName());
    private static final java.util.concurrent.atomic.AtomicBoolean WARNED = new java.util.concurrent.atomic.AtomicBoolean();

    @Inject
    Instance<InlineListener> listeners;

    @Resource
    TransactionSynchronizationRegistry transaction;

    /**
     * The inline listeners, resolved once: resolving per append would create a {@code @Dependent}
     * listener per append, each kept by {@link #listeners} until the application stops.
     */
    private volatile List<Resolved> resolved;

    private record Resolved(InlineListener listener, EventQuery query) {
    }

    private List<Resolved> resolved() {
        List<Resolved> all = resolved;
        if (all == null) {
            synchronized (this) { // two first appends at once would each create the @Dependent ones
                all = resolved;
                if (all == null) {
                    all = listeners.isUnsatisfied() ? List.of() : listeners.stream().map(l -> new Resolved(l, l.query())).toList();
                    resolved = all;
                }
            }
        }
        return all;
    }

    void appended(@Observes EventsAppended appended) {
        List<Resolved> all = resolved();
        if (all.isEmpty()) {
            return;
        }
        for (AppendedEvent e : appended.events()) {
            if (e.event() == null) {
                continue; // appended raw (over /dcb) with a type no class of this application describes
            }
            RecordedEvent event = null;
            for (Resolved r : all) {
                InlineListener listener = r.listener();
                if (!r.query().matches(e.type(), e.tags())) {
                    continue;
                }
                if (event == null) {
                    event = e.recorded();
                    if (transaction.getTransactionKey() == null && WARNED.compareAndSet(false, true)) {
                        LOG.severe("inline listeners ran for an append outside a JTA transaction: the append committed on its"
                                + " own, so an inline listener's failure cannot undo it. Append inside a transaction.");
                    }
                }
                try {
                    listener.handle(event);
                } catch (RuntimeException ex) {
                    throw ex;
                } catch (Exception ex) {
                    throw new InlineListenerException("inline listener " + listener.id() + " failed on the event at position "
                            + e.position() + ": " + ex.getMessage(), ex);
                }
            }
        }
    }

    /** Whether an inline listener handles an event of this type and tags: it must be appended in a transaction. */
    public boolean handles(String type, Set<String> tags) {
        for (Resolved r : resolved()) {
            if (r.query().matches(type, tags)) {
                return true;
            }
        }
        return false;
    }
}
