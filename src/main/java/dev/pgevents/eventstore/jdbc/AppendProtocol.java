package dev.pgevents.eventstore.jdbc;

import java.util.Collection;
import java.util.stream.Collectors;

/**
 * The write protocol for writers outside the store (another program appending in SQL): es_event
 * accepts an INSERT only in a transaction that first took the writer's lock keys and the
 * watermark mark (see docs/event-store.md, "The database enforces the protocol").
 */
public final class AppendProtocol {

    private AppendProtocol() {
    }

    /**
     * The statement to run first in the writer's transaction, once for all its events: the shared
     * keys of every type and tag they carry (and {@code all}), in the store's order, then the mark.
     */
    public static String writerLockStatement(Collection<String> types, Collection<String> tags) {
        LockKeys keys = new LockKeys();
        types.forEach(type -> keys.shared("type:" + type));
        tags.forEach(tag -> keys.shared("tag:" + tag));
        keys.shared(LockKeys.ALL);
        return "SELECT es_lock_keys(" + array(keys.hi()) + "::int4[], " + array(keys.lo()) + "::int4[], "
                + "ARRAY[" + keys.entries().values().stream().map(e -> "false").collect(Collectors.joining(","))
                + "]::bool[], true)";
    }

    /** The 64-bit advisory key of a key name: {@code tag:<tag>}, {@code type:<type>} or {@code all}. */
    public static long key(String name) {
        return LockKeys.hash(name);
    }

    private static String array(Integer[] values) {
        return "ARRAY[" + java.util.Arrays.stream(values).map(String::valueOf).collect(Collectors.joining(",")) + "]";
    }
}
