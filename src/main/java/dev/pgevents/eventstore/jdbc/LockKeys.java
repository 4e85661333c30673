package dev.pgevents.eventstore.jdbc;

import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.QueryItem;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * The advisory lock keys of one append or one locked read, sorted by their 64-bit hash (exclusive
 * wins when a key is wanted in both modes). Keys:
 * <ul>
 *   <li>a writer takes SHARED {@code type:<t>}, {@code tag:<g>} for each tag, and {@code all};</li>
 *   <li>a condition takes EXCLUSIVE, per query item: {@code tag:<smallest tag>} if the item has
 *       tags, else {@code type:<t>} for each type, else {@code all}.</li>
 * </ul>
 * An event matching a condition item carries the item's smallest tag (or one of its types, or is
 * any event), so its writer's shared set and the condition's exclusive set share a key.
 */
final class LockKeys {

    public static final String ALL = "all";

    /** Transaction-local setting a writer's lock step sets; es_event refuses inserts without it. */
    static final String PROTOCOL_MARKER = "pgevents.append_protocol";

    /** Transaction-local setting holding the lock_timeout to restore after a broad condition's lock step. */
    static final String SAVED_LOCK_TIMEOUT = "pgevents.lock_timeout_before";

    /**
     * How a lock step that is a statement of its own begins (its keys follow). It turns
     * PostgreSQL's JIT off for the rest of the transaction (set_config, transaction-local): the
     * statements after it (a group commit's checks, a condition's insert, a locked read) are
     * planned with a generic row estimate per tag, so fourteen checks pass jit_above_cost and were
     * compiled for 25 ms on every batch, for a few index probes (docs/event-store.md, Plans).
     */
    static final String LOCK_STATEMENT = "SELECT set_config('jit', 'off', true), ";

    /** Transaction-local settings holding plan_cache_mode and enable_seqscan to restore after a statement forced onto its generic plan. */
    static final String SAVED_PLAN_CACHE_MODE = "pgevents.plan_cache_mode_before";
    static final String SAVED_ENABLE_SEQSCAN = "pgevents.enable_seqscan_before";

    /**
     * As {@link #LOCK_STATEMENT}, and the statement after it run on its generic plan whatever the
     * plan cache's history, a plan that takes the indexes whatever the table's size when it was
     * made (the settings before saved: set_config's arguments are evaluated first).
     * <ul>
     * <li>PostgreSQL keeps planning a prepared statement anew when its generic plan costs more
     * than the mean of the custom plans it made for the first executions: after an ANALYZE of a
     * table that has grown since, the generic plan (made anew) costs more than custom plans made
     * on the small table, and every execution is planned again.
     * <li>Without an ANALYZE since (autovacuum off or behind), a generic plan made while
     * es_event_tag was a page scans the whole table, and nothing makes it again as the store
     * grows: every check then reads every tag entry. enable_seqscan off while the plan is made
     * leaves the indexes, the paths these statements are written for.
     * </ul>
     * Only for statements whose generic plan is right whatever the values (docs/event-store.md,
     * Plans). The settings last to the end of the transaction: in a transaction that goes on
     * after the round trip (the caller's), {@link #RESTORE_PLAN_SETTINGS} follows the statement.
     */
    static final String GENERIC_LOCK_STATEMENT = LOCK_STATEMENT
            + "set_config('plan_cache_mode', 'force_generic_plan', set_config('" + SAVED_PLAN_CACHE_MODE
            + "', current_setting('plan_cache_mode'), true) IS NOT NULL), "
            + "set_config('enable_seqscan', 'off', set_config('" + SAVED_ENABLE_SEQSCAN
            + "', current_setting('enable_seqscan'), true) IS NOT NULL), ";

    /** Ends {@link #GENERIC_LOCK_STATEMENT}'s settings: a statement of its own, after the one they were for. */
    static final String RESTORE_PLAN_SETTINGS = "; SELECT set_config('plan_cache_mode', current_setting('"
            + SAVED_PLAN_CACHE_MODE + "'), true), set_config('enable_seqscan', current_setting('" + SAVED_ENABLE_SEQSCAN + "'), true)";

    /** {@link #GENERIC_LOCK_STATEMENT} when {@code genericPlan}, else {@link #LOCK_STATEMENT}. */
    static String lockStatement(boolean genericPlan) {
        return genericPlan ? GENERIC_LOCK_STATEMENT : LOCK_STATEMENT;
    }

    private final TreeMap<Long, Boolean> keys = new TreeMap<>();
    private boolean broad;

    public LockKeys writer(String type, Collection<String> tags) {
        shared("type:" + type);
        for (String tag : tags) {
            shared("tag:" + tag);
        }
        shared(ALL);
        return this;
    }

    public LockKeys condition(EventQuery query) {
        for (QueryItem item : query.items()) {
            if (!item.tags().isEmpty()) {
                exclusive("tag:" + item.tags().iterator().next()); // sorted set: the smallest tag
            } else if (!item.types().isEmpty()) {
                broad = true;
                for (String type : item.types()) {
                    exclusive("type:" + type);
                }
            } else {
                broad = true;
                exclusive(ALL);
            }
        }
        return this;
    }

    /** Adds another set's keys (exclusive wins) and its breadth. */
    public LockKeys add(LockKeys other) {
        other.keys.forEach((key, exclusive) -> keys.merge(key, exclusive, Boolean::logicalOr));
        broad |= other.broad;
        return this;
    }

    public LockKeys shared(String key) {
        keys.merge(hash(key), Boolean.FALSE, Boolean::logicalOr);
        return this;
    }

    public LockKeys exclusive(String key) {
        keys.put(hash(key), Boolean.TRUE);
        return this;
    }

    /**
     * A condition item without tags locks {@code all} or a {@code type:} key exclusively, keys
     * that every writer (of that type) takes shared: while such a request waits, every later
     * writer queues behind it, so its wait is bounded (see {@link #appendTo}).
     */
    public boolean broad() {
        return broad;
    }

    public int size() {
        return keys.size();
    }

    /** Sorted (hash, exclusive) pairs. */
    public Map<Long, Boolean> entries() {
        return java.util.Collections.unmodifiableMap(keys);
    }

    /** Above this many keys the lock step calls es_lock_keys with arrays: one statement text for all (so does a group commit's one-text batch). */
    public static final int MAX_INLINED_KEYS = 16;

    /**
     * Appends an expression that takes the keys in their sorted order and yields true. As a
     * writer's it then takes the watermark mark, after the keys, and sets the protocol marker: a shared lock in the one-bigint key space on the current sequence
     * value, below every position drawn afterwards.
     * <p>
     * Up to {@link #MAX_INLINED_KEYS} keys it is a CASE chain, whose WHEN clauses PostgreSQL
     * evaluates one after the other (documented), so the order holds within one statement; the
     * mode is a parameter, so the text depends on the number of keys only, and the mark reads the
     * sequence through a function call (no sub-select: its evaluation time would be the
     * executor's choice). More keys go to es_lock_keys, a plpgsql loop doing the same.
     * <p>
     * With a {@link #broad()} condition and a positive {@code broadLockTimeoutMillis}, the chain
     * first saves the transaction's lock_timeout and sets it to that value, and restores it after
     * the keys (set_config, transaction-local): a broad request that waits longer fails with
     * SQLSTATE 55P03 and leaves the queue, and the rest of the transaction keeps its own timeout.
     * Other lock steps get the text without it and pay nothing.
     */
    void appendTo(SqlBuilder sql, boolean writer, long broadLockTimeoutMillis) {
        appendTo(sql, writer, broad && broadLockTimeoutMillis > 0, broadLockTimeoutMillis, false);
    }

    /** As a writer's {@link #appendTo}, every key's wait bounded by the timeout (a group commit's batch of one, or of a text per shape). */
    void appendBoundedTo(SqlBuilder sql, long lockTimeoutMillis) {
        appendTo(sql, true, true, lockTimeoutMillis, false);
    }

    /** As {@link #appendBoundedTo}, the keys always in arrays: one text whatever their number (a group commit's batch). */
    void appendBoundedArraysTo(SqlBuilder sql, long lockTimeoutMillis) {
        appendTo(sql, true, true, lockTimeoutMillis, true);
    }

    private void appendTo(SqlBuilder sql, boolean writer, boolean bounded, long lockTimeoutMillis, boolean arrays) {
        sql.append("CASE");
        if (bounded) {
            sql.append(" WHEN set_config('" + SAVED_LOCK_TIMEOUT + "', current_setting('lock_timeout'), true) IS NULL THEN false"
                    + " WHEN set_config('lock_timeout', ?, true) IS NULL THEN false");
            sql.param(Long.toString(lockTimeoutMillis));
        }
        if (arrays || keys.size() > MAX_INLINED_KEYS) {
            sql.append(" WHEN es_lock_keys(?::int4[], ?::int4[], ?::bool[], ?) IS NULL THEN false");
            sql.arrayParam("int4", hi()).arrayParam("int4", lo()).arrayParam("bool", keys.values().toArray(Boolean[]::new));
            sql.param(writer);
        } else {
            appendInlinedTo(sql, writer);
        }
        if (bounded) {
            sql.append(" WHEN set_config('lock_timeout', current_setting('" + SAVED_LOCK_TIMEOUT + "'), true) IS NULL THEN false");
        }
        sql.append(" ELSE true END");
    }

    /** The keys' WHEN clauses, then (writer) the mark and the protocol marker. */
    private void appendInlinedTo(SqlBuilder sql, boolean writer) {
        for (Map.Entry<Long, Boolean> key : keys.entrySet()) {
            sql.append(" WHEN CASE WHEN ? THEN pg_advisory_xact_lock(?::int4, ?::int4)"
                    + " ELSE pg_advisory_xact_lock_shared(?::int4, ?::int4) END IS NULL THEN false");
            int hi = (int) (key.getKey() >>> 32);
            int lo = (int) (long) key.getKey();
            sql.param(key.getValue().booleanValue()).param((Object) hi).param((Object) lo).param((Object) hi).param((Object) lo);
        }
        if (writer) {
            // pg_sequence_last_value: NULL before the first nextval (the mark 0 is then below all)
            sql.append(" WHEN pg_advisory_xact_lock_shared(coalesce(pg_sequence_last_value('es_position_seq'::regclass), 0))"
                    + " IS NULL THEN false"
                    // the marker es_event's statement trigger requires (migration V7)
                    + " WHEN set_config('" + PROTOCOL_MARKER + "', 'on', true) IS NULL THEN false");
        }
    }

    Integer[] hi() {
        return keys.keySet().stream().map(h -> (int) (h >>> 32)).toArray(Integer[]::new);
    }

    Integer[] lo() {
        return keys.keySet().stream().map(h -> (int) (long) h).toArray(Integer[]::new);
    }

    /** FNV-1a over the UTF-8 bytes, then the MurmurHash3 finalizer: stable across JVMs and versions. */
    public static long hash(String key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h ^= (b & 0xff);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
