package dev.pgevents.eventstore;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * One item of an {@link EventQuery}: it matches an event whose type is in {@link #types()} (empty =
 * any type) AND whose tags contain all of {@link #tags()} (empty = no tag required). Sets are
 * sorted and immutable.
 */
public record QueryItem(Set<String> types, Set<String> tags) {

    public QueryItem {
        types = sortedCopy(types, "types");
        tags = sortedCopy(tags, "tags");
    }

    /** Any event. */
    public static QueryItem any() {
        return new QueryItem(Set.of(), Set.of());
    }

    public static QueryItem of(Collection<String> types, Collection<String> tags) {
        return new QueryItem(checkedSet(types, "types"), checkedSet(tags, "tags"));
    }

    /** Events of these type names (any tags). */
    public static QueryItem types(String... types) {
        return new QueryItem(checkedSet(types == null ? null : Arrays.asList(types), "types"), Set.of());
    }

    /**
     * Events of these classes; a sealed family interface stands for all its records. Type names
     * are derived as the registry does ({@link EventTypeRegistry#typeNameOf(Class)}).
     */
    @SafeVarargs
    public static QueryItem types(Class<? extends Event>... types) {
        if (types == null) {
            throw new InvalidInputException("types is null");
        }
        Set<String> names = new TreeSet<>();
        for (Class<? extends Event> type : types) {
            if (type == null) {
                throw new InvalidInputException("a type class is null");
            }
            for (Class<? extends Event> record : EventTypeRegistry.recordsOf(type)) {
                names.add(EventTypeRegistry.typeNameOf(record));
            }
        }
        return new QueryItem(names, Set.of());
    }

    /** Events carrying all these tags (any type). */
    public static QueryItem tags(String... tags) {
        return new QueryItem(Set.of(), checkedSet(tags == null ? null : Arrays.asList(tags), "tags"));
    }

    /** This item, additionally requiring these tags. */
    public QueryItem tagged(String... more) {
        Set<String> all = new TreeSet<>(tags);
        all.addAll(checkedSet(more == null ? null : Arrays.asList(more), "tags"));
        return new QueryItem(types, all);
    }

    /** In-memory evaluation, the same semantics as the SQL. */
    public boolean matches(String type, Collection<String> eventTags) {
        if (!types.isEmpty() && !types.contains(type)) {
            return false;
        }
        return tags.isEmpty() || (eventTags != null && eventTags.containsAll(tags));
    }

    public boolean isAny() {
        return types.isEmpty() && tags.isEmpty();
    }

    @Override
    public String toString() {
        return "{types=" + types + ", tags=" + tags + "}";
    }

    private static Set<String> checkedSet(Collection<String> values, String what) {
        if (values == null) {
            throw new InvalidInputException(what + " is null");
        }
        return new TreeSet<>(checkElements(values, what));
    }

    private static Collection<String> checkElements(Collection<String> values, String what) {
        for (String v : values) {
            try {
                if ("types".equals(what)) {
                    Limits.checkType(v);
                } else {
                    Limits.checkTag(v);
                }
            } catch (InvalidInputException e) {
                throw new InvalidInputException("query item " + what + ": " + e.getMessage());
            }
        }
        return values;
    }

    private static Set<String> sortedCopy(Set<String> values, String what) {
        if (values == null) {
            throw new InvalidInputException(what + " is null");
        }
        // TreeSet rejects null elements with an NPE; check first for a typed error.
        checkElements(values, what);
        return Collections.unmodifiableSortedSet(new TreeSet<>(values));
    }
}
