package dev.pgevents.dcbapi;

import dev.pgevents.eventstore.Direction;
import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.EventStore;
import dev.pgevents.eventstore.EventStream;
import dev.pgevents.eventstore.ReadOptions;
import dev.pgevents.eventstore.StoredEvent;
import java.util.List;

/**
 * A /dcb read in pages, so that a client reading slowly holds no database connection and no
 * transaction: the safe position of the query is taken once, at the start, and caps the whole
 * answer (as one SAFE read would be capped); below it every event is committed or never will be,
 * so the pages, each read on its own (one statement in autocommit: keyset on position, at most
 * {@value #PAGE_SIZE} events), add up to exactly that one read: no position missing, none twice.
 */
final class PagedRead {

    /** Events per page: one page is in memory at a time. */
    static final int PAGE_SIZE = 500;

    private final EventStore store;
    private final EventQuery query;
    private final ReadOptions options;   // the request's options; each page narrows them
    private final long cap;
    private long next;                   // the next position to read from (forward) or down from (backwards)
    private long remaining;              // events the limit still allows
    private boolean done;

    PagedRead(EventStore store, ReadRequest request) {
        this.store = store;
        this.query = request.query();
        this.options = request.storeOptions();
        this.cap = store.safePosition(query);
        this.remaining = options.limit() == 0 ? Long.MAX_VALUE : options.limit();
        this.next = backwards() ? Math.min(options.to(), cap) : options.from();
    }

    /** The next page, empty when the read is complete. */
    List<StoredEvent> nextPage() {
        if (done || remaining <= 0 || (backwards() ? next < options.from() : next > cap)) {
            return List.of();
        }
        int size = (int) Math.min(PAGE_SIZE, remaining);
        ReadOptions page = (backwards() ? options.to(next) : options.from(next).to(cap)).limit(size).uncapped();
        List<StoredEvent> events;
        try (EventStream<StoredEvent> stream = store.readRaw(query, page)) {
            events = stream.toList();
        }
        remaining -= events.size();
        if (events.size() < size) {
            done = true;
        } else {
            long last = events.get(events.size() - 1).position();
            next = backwards() ? last - 1 : last + 1;
        }
        return events;
    }

    private boolean backwards() {
        return options.direction() == Direction.BACKWARD;
    }
}
