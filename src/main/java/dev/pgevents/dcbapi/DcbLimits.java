package dev.pgevents.dcbapi;

import dev.pgevents.eventstore.Limits;

/**
 * Limits of the /dcb API (docs/http-api.md). Type and tag limits are the event store's own
 * ({@link Limits}); the others bound what one request can make the server hold or lock.
 */
public final class DcbLimits {

    /** Longest event type name, in characters (the store's limit). */
    public static final int MAX_TYPE_LENGTH = Limits.MAX_TYPE_LENGTH;
    /** Longest tag, in characters (the store's limit). */
    public static final int MAX_TAG_LENGTH = Limits.MAX_TAG_LENGTH;
    /** Most distinct tags on one event (the store's limit: each one is a lock key). */
    public static final int MAX_TAGS_PER_EVENT = Limits.MAX_TAGS_PER_EVENT;
    /** Most items in one query (the store's limit). */
    public static final int MAX_QUERY_ITEMS = Limits.MAX_QUERY_ITEMS;
    /** Most types in one query item. */
    public static final int MAX_TYPES_PER_ITEM = 256;
    /** Most tags in one query item (an item needing more tags than an event can carry never matches). */
    public static final int MAX_TAGS_PER_ITEM = Limits.MAX_TAGS_PER_EVENT;
    /** Most events in one append request. */
    public static final int MAX_EVENTS_PER_APPEND = 10_000;
    /** Largest append body, in bytes (16 MiB); larger bodies get 413. */
    public static final long MAX_APPEND_BODY_BYTES = 16L * 1024 * 1024;
    /** Longest query or options parameter, in characters. */
    public static final int MAX_PARAMETER_LENGTH = 256 * 1024;

    private DcbLimits() {
    }
}
