package dev.pgevents.listener;

import dev.pgevents.eventstore.RecordedEvent;
import dev.pgevents.eventstore.StoredEvent;
import dev.pgevents.eventstore.UnknownTypePolicy;
import java.sql.Connection;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What an operator does with the listeners of an engine (the admin API's operations): look at
 * them, pause and resume them, reset them to a position, and retry or skip their parked events.
 * Every operation is one transaction that locks the listener's checkpoint row where it changes
 * it, so it waits for a running step on any node and never interleaves with one.
 */
public final class ListenerAdmin {

    private static final Logger LOG = Logger.getLogger(ListenerAdmin.class.getName());

    private final ListenerEngine engine;

    public ListenerAdmin(ListenerEngine engine) {
        this.engine = engine;
    }

    // ------------------------------------------------------------------------------------- views

    public List<ListenerInfo> list() {
        return engine.inTransaction(c -> ListenerTables.infos(c, null, engine::isRegistered));
    }

    public ListenerInfo info(String id) {
        return engine.inTransaction(c -> ListenerTables.infos(c, id, engine::isRegistered)).stream().findFirst()
                .orElseThrow(() -> unknown(id));
    }

    /** True when the listener runs on this node and has handled everything up to the current safe position. */
    public boolean caughtUp(String id) {
        if (!engine.isRegistered(id)) {
            return false;
        }
        ListenerInfo info = info(id);
        return info.position() >= info.headPosition();
    }

    public List<ParkedEvent> parked(String id) {
        return engine.inTransaction(c -> ListenerTables.parked(c, id));
    }

    // ------------------------------------------------------------------------------------ status

    /** Status PAUSED (on every node) until resumed. */
    public void pause(String id) {
        engine.inTransaction(c -> {
            if (!ListenerTables.pause(c, id)) {
                throw unknown(id);
            }
            return null;
        });
    }

    /** Resumes a paused or failed listener; a failed event gets a fresh set of attempts at once. */
    public void resume(String id) {
        engine.inTransaction(c -> {
            if (!ListenerTables.resume(c, id)) {
                throw unknown(id);
            }
            return null;
        });
    }

    /**
     * Resets a listener to a position: in one transaction (waiting for a running batch on any node
     * to commit), the listener's {@link EventListener#reset} clears its state after the position and
     * the checkpoint moves there; retry state and parked events after it are dropped. The listener
     * must be registered on this node (its reset hook runs here). A position beyond the store's
     * safe position is refused: the listener would skip the events appended up to it.
     *
     * @throws IllegalArgumentException for a negative position or one beyond the safe position
     */
    public void reset(String id, long position) {
        if (position < 0) {
            throw new IllegalArgumentException("position must be >= 0: " + position);
        }
        ListenerEngine.Registered r = engine.registered(id);
        engine.inTransaction(c -> {
            lockOrThrow(c, id);
            long head = engine.store().safePosition();
            if (position > head) {
                throw new IllegalArgumentException("position " + position + " is beyond the head of the event store ("
                        + head + "): a reset to it would skip the events appended up to it");
            }
            try {
                r.listener.reset(position);
            } catch (Exception e) {
                throw new ListenerStateException("listener " + id + " failed to reset: " + e, e);
            }
            ListenerTables.resetTo(c, id, position);
            ListenerTables.unparkAfter(c, id, position);
            return null;
        });
        r.isolateThrough = -1;
        LOG.log(Level.INFO, "listener {0} reset to position {1}", new Object[] {id, position});
    }

    // ----------------------------------------------------------------------------- parked events

    /**
     * Skips a parked event for good. When the listener stopped on it (policy STOP), its checkpoint
     * moves past it and the listener runs again.
     */
    public void skipParked(String id, long position) {
        engine.inTransaction(c -> {
            ListenerTables.Row row = lockOrThrow(c, id);
            if (!ListenerTables.unpark(c, id, position)) {
                throw noParkedEvent(id, position);
            }
            if (row.failedAt(position)) {
                ListenerTables.skipFailing(c, id, position);
            }
            return null;
        });
    }

    /**
     * Retries a parked event. When the listener stopped on it, the listener runs again and the event
     * gets a fresh set of attempts in order. Otherwise (the listener went on) the event is handled
     * now, alone, in a transaction of its own; if it fails again it stays parked and this throws
     * {@link ListenerStateException}.
     */
    public void retryParked(String id, long position) {
        ListenerEngine.Registered r = engine.registered(id);
        if (!resumeIfStoppedOn(id, position)) {
            handleParkedNow(r, position);
        }
    }

    /** The listener stopped on the parked event: it runs again and meets the event in order. */
    private boolean resumeIfStoppedOn(String id, long position) {
        return engine.inTransaction(c -> {
            ListenerTables.Row row = lockOrThrow(c, id);
            if (!ListenerTables.isParked(c, id, position)) {
                throw noParkedEvent(id, position);
            }
            if (!row.failedAt(position) || row.position() >= position) {
                return false;
            }
            ListenerTables.unpark(c, id, position);
            ListenerTables.resume(c, id);
            return true;
        });
    }

    private void handleParkedNow(ListenerEngine.Registered r, long position) {
        String id = r.id();
        Throwable failure;
        try {
            engine.inTransaction(c -> {
                ListenerTables.lock(c, id, engine.node()); // serialises with the listener's own batches
                handleAlone(r, position);
                if (!ListenerTables.unpark(c, id, position)) {
                    throw noParkedEvent(id, position);
                }
                return null;
            });
            return;
        } catch (HandlerFailed e) {
            failure = e.getCause();
        } catch (ListenerNotFoundException e) {
            throw e;
        } catch (RuntimeException e) {
            failure = e; // at commit, e.g. a JPA flush
        }
        String error = ErrorText.describe(failure);
        engine.inTransaction(c -> {
            ListenerTables.failedAgain(c, id, position, error);
            return null;
        });
        throw new ListenerStateException("the parked event at position " + position + " failed again: "
                + ErrorText.firstLine(error), failure);
    }

    private void handleAlone(ListenerEngine.Registered r, long position) {
        StoredEvent raw = engine.readOne(r, position);
        if (raw == null) {
            throw new ListenerNotFoundException("no event at position " + position + " matches listener " + r.id());
        }
        try {
            RecordedEvent event = engine.decode(raw, UnknownTypePolicy.FAIL);
            r.listener.handle(event);
            r.listener.endBatch();
        } catch (Exception e) {
            throw new HandlerFailed(e);
        }
    }

    // ----------------------------------------------------------------------------------- helpers

    private ListenerTables.Row lockOrThrow(Connection c, String id) throws Exception {
        ListenerTables.Row row = ListenerTables.lock(c, id, engine.node());
        if (row == null) {
            throw unknown(id);
        }
        return row;
    }

    private static ListenerNotFoundException unknown(String id) {
        return new ListenerNotFoundException("no listener '" + id + "'");
    }

    private static ListenerNotFoundException noParkedEvent(String id, long position) {
        return new ListenerNotFoundException("listener " + id + " has no parked event at position " + position);
    }
}
