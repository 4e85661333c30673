package dev.pgevents.subscription;

import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.EventStore;
import dev.pgevents.eventstore.EventStream;
import dev.pgevents.eventstore.ReadOptions;
import dev.pgevents.eventstore.StoredEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Catch-up then live subscriptions to the store, for any number of subscribers, driven by one
 * thread calling {@link #poll()} (plain Java: the container part is {@link EventSubscriptions}).
 *
 * <p>Gap-free by the listeners' technique (docs/listeners.md): every read is capped at a safe
 * position W of the store ({@link EventStore#safePosition()}): every event at or below W is
 * committed or never will be, so an event that commits late with a lower position is waited for,
 * never stepped over. The invariant per subscriber: every matching event at or below its
 * {@code position} has been handed to it, in position order.
 *
 * <p>Shared tail: the engine keeps a {@code head}; one read of every event in (head, W] per round
 * is fanned out in memory to the <em>live</em> subscribers (position at or past the head), so a
 * round costs two statements whatever the number of live subscribers. A subscriber behind the
 * head (a catch-up from an old position) reads its own query in (position, head] page by page, as
 * much as its buffer has room for, until it reaches the head and joins the live ones.
 */
public final class SubscriptionEngine {

    /** Where a subscriber's events go (its buffer). Called on the polling thread only. */
    public interface Sink {

        /** Events the sink accepts now without cutting the client off. */
        int room();

        /** Hands an event over; false when the sink is closed (it is then dropped). */
        boolean deliver(StoredEvent event);

        boolean isOpen();
    }

    /** A registered subscriber. */
    public static final class Subscriber {
        private final EventQuery query;
        private final Sink sink;
        private long position;

        private Subscriber(EventQuery query, long after, Sink sink) {
            this.query = query;
            this.position = after;
            this.sink = sink;
        }

        /** Every matching event at or below it has been delivered. */
        public long position() {
            return position;
        }
    }

    private final EventStore store;
    private final int pageSize;
    private final Queue<Subscriber> joining = new ConcurrentLinkedQueue<>();
    private final List<Subscriber> subscribers = new ArrayList<>();   // polling thread only
    private long head = -1;                                          // -1: no live tail yet

    public SubscriptionEngine(EventStore store, int pageSize) {
        this.store = store;
        this.pageSize = pageSize;
    }

    /** Registers a subscriber for the matching events after {@code after}; any thread. */
    public Subscriber subscribe(EventQuery query, long after, Sink sink) {
        Subscriber s = new Subscriber(query, Math.max(0, after), sink);
        joining.add(s);
        return s;
    }

    /** Subscribers currently registered (joining ones included). */
    public int size() {
        return subscribers.size() + joining.size();
    }

    /**
     * One round: reads what the subscribers can take and delivers it. Returns true when more is
     * waiting that a buffer had room for (call again at once), false when every subscriber is at
     * the safe position or waiting for room.
     */
    public boolean poll() {
        for (Subscriber s; (s = joining.poll()) != null; ) {
            subscribers.add(s);
        }
        subscribers.removeIf(s -> !s.sink.isOpen());
        if (subscribers.isEmpty()) {
            head = -1;
            return false;
        }
        long safe = store.safePosition();
        if (head < 0 || subscribers.stream().noneMatch(s -> s.position >= head)) {
            // nobody follows the tail: start it at the safe position, the catch-ups come up to it
            head = Math.max(head, safe);
        }
        boolean more = tail(safe);
        for (Subscriber s : subscribers) {
            if (s.position < head) {
                more |= catchUp(s);
            }
        }
        subscribers.removeIf(s -> !s.sink.isOpen());
        return more;
    }

    /** One page of every event in (head, safe], fanned out to the live subscribers. */
    private boolean tail(long safe) {
        if (head >= safe) {
            return false;
        }
        List<Subscriber> live = subscribers.stream().filter(s -> s.position >= head).toList();
        List<StoredEvent> page = read(EventQuery.all(), head, safe, pageSize);
        for (StoredEvent e : page) {
            for (Subscriber s : live) {
                if (e.position() > s.position && s.query.matches(e.type(), e.tags())) {
                    s.sink.deliver(e);
                }
            }
        }
        long reached = page.size() < pageSize ? safe : page.get(page.size() - 1).position();
        for (Subscriber s : live) {
            s.position = Math.max(s.position, reached);
        }
        head = reached;
        return head < safe;
    }

    /** One page of a subscriber's own query in (position, head], as large as its buffer allows. */
    private boolean catchUp(Subscriber s) {
        int limit = Math.min(pageSize, s.sink.room());
        if (limit <= 0) {
            return false; // its buffer drains first; the drain wakes the poller
        }
        List<StoredEvent> page = read(s.query, s.position, head, limit);
        for (StoredEvent e : page) {
            if (!s.sink.deliver(e)) {
                return false;
            }
        }
        s.position = page.size() < limit ? head : page.get(page.size() - 1).position();
        return s.position < head && s.sink.room() > 0;
    }

    /**
     * Matching events in (after, to], to at or below a safe position: uncapped, since the cap is
     * already sound (as a paged /dcb read does).
     */
    private List<StoredEvent> read(EventQuery query, long after, long to, int limit) {
        ReadOptions options = ReadOptions.defaults().after(after).to(to).limit(limit).uncapped();
        try (EventStream<StoredEvent> stream = store.readRaw(query, options)) {
            return stream.toList();
        }
    }
}
