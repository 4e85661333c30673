package dev.pgevents.eventstore;

/** Documented limits, checked at the call site (see docs/event-store.md). */
public final class Limits {

    /** Longest type name, in characters (also a CHECK constraint of es_event). */
    public static final int MAX_TYPE_LENGTH = 256;
    /** Longest tag, in characters. */
    public static final int MAX_TAG_LENGTH = 256;
    /** Most tags one event may carry (each one is a lock key of the append). */
    public static final int MAX_TAGS_PER_EVENT = 64;
    /** Most items in one query. */
    public static final int MAX_QUERY_ITEMS = 256;
    /**
     * Most distinct lock keys one append may take (its events' types and tags, its condition's
     * keys): every key is an advisory lock held to commit, and PostgreSQL's shared lock table
     * (max_locks_per_transaction x max_connections, 64 x 100 = 6,400 by default) serves every
     * session of every database on the server: with 1,000, seven concurrent maximal appends
     * exhausted it ("out of shared memory") for everybody. 128 keeps fifty of them within it.
     * Split larger imports into several appends.
     */
    public static final int MAX_LOCK_KEYS_PER_APPEND = 128;

    private Limits() {
    }

    static String checkType(String type) {
        if (type == null) {
            throw new InvalidInputException("event type name is null");
        }
        if (type.isBlank()) {
            throw new InvalidInputException("event type name is empty");
        }
        if (type.length() > MAX_TYPE_LENGTH) {
            throw new InvalidInputException("event type name is " + type.length()
                    + " characters long, the limit is " + MAX_TYPE_LENGTH + ": " + type.substring(0, 40) + "...");
        }
        return type;
    }

    static String checkTag(String tag) {
        if (tag == null) {
            throw new InvalidInputException("tag is null");
        }
        if (tag.isBlank()) {
            throw new InvalidInputException("tag is empty");
        }
        if (tag.length() > MAX_TAG_LENGTH) {
            throw new InvalidInputException("tag is " + tag.length() + " characters long, the limit is "
                    + MAX_TAG_LENGTH + ": " + tag.substring(0, 40) + "...");
        }
        return tag;
    }
}
