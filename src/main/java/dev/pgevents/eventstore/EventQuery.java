package dev.pgevents.eventstore;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * A DCB query: a union (OR) of {@link QueryItem}s. It has at least one item; {@link #all()} is the
 * query with the single item that matches every event.
 */
public record EventQuery(List<QueryItem> items) {

    private static final EventQuery ALL = new EventQuery(List.of(QueryItem.any()));

    public EventQuery {
        if (items == null) {
            throw new InvalidInputException("query items are null");
        }
        if (items.isEmpty()) {
            throw new InvalidInputException("a query needs at least one item (use EventQuery.all() for every event)");
        }
        if (items.size() > Limits.MAX_QUERY_ITEMS) {
            throw new InvalidInputException("a query has " + items.size() + " items, the limit is " + Limits.MAX_QUERY_ITEMS);
        }
        LinkedHashSet<QueryItem> distinct = new LinkedHashSet<>();
        for (QueryItem item : items) {
            if (item == null) {
                throw new InvalidInputException("a query item is null");
            }
            distinct.add(item);
        }
        items = List.copyOf(distinct);
    }

    /** Matches every event. */
    public static EventQuery all() {
        return ALL;
    }

    public static EventQuery of(QueryItem... items) {
        if (items == null) {
            throw new InvalidInputException("query items are null");
        }
        return new EventQuery(Arrays.asList(items));
    }

    public static EventQuery of(Collection<QueryItem> items) {
        if (items == null) {
            throw new InvalidInputException("query items are null");
        }
        return new EventQuery(new ArrayList<>(items));
    }

    /** Events carrying all these tags. */
    public static EventQuery tagged(String... tags) {
        return of(QueryItem.tags(tags));
    }

    /** Events of these type names. */
    public static EventQuery ofTypes(String... types) {
        return of(QueryItem.types(types));
    }

    /** The union of several queries (at least one). */
    public static EventQuery union(Collection<EventQuery> queries) {
        if (queries == null || queries.isEmpty()) {
            throw new InvalidInputException("a union needs at least one query");
        }
        List<QueryItem> all = new ArrayList<>();
        for (EventQuery q : queries) {
            if (q == null) {
                throw new InvalidInputException("a query of the union is null");
            }
            if (q.matchesAll()) {
                return ALL;
            }
            all.addAll(q.items);
        }
        return new EventQuery(all);
    }

    public EventQuery or(EventQuery other) {
        return union(List.of(this, other));
    }

    /** True if some item matches an event of this type and tags (same semantics as the SQL). */
    public boolean matches(String type, Collection<String> tags) {
        for (QueryItem item : items) {
            if (item.matches(type, tags)) {
                return true;
            }
        }
        return false;
    }

    /** True if the query matches every event (one of its items is empty). */
    public boolean matchesAll() {
        for (QueryItem item : items) {
            if (item.isAny()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "EventQuery" + items;
    }
}
