package dev.pgevents.eventstore.jdbc;

import dev.pgevents.eventstore.AppendCondition;
import dev.pgevents.eventstore.AppendConditionFailed;
import dev.pgevents.eventstore.AppendedEvent;
import dev.pgevents.eventstore.InvalidInputException;
import dev.pgevents.eventstore.Event;
import dev.pgevents.eventstore.EventCodec;
import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.EventSerializer;
import dev.pgevents.eventstore.EventStore;
import dev.pgevents.eventstore.EventStoreAccessException;
import dev.pgevents.eventstore.EventStream;
import dev.pgevents.eventstore.EventTypeRegistry;
import dev.pgevents.eventstore.NewEvent;
import dev.pgevents.eventstore.QueryItem;
import dev.pgevents.eventstore.Limits;
import dev.pgevents.eventstore.RawEvent;
import dev.pgevents.eventstore.ReadOptions;
import dev.pgevents.eventstore.RecordedEvent;
import dev.pgevents.eventstore.StoredEvent;
import dev.pgevents.eventstore.UnknownTypePolicy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The PostgreSQL event store on plain JDBC. See docs/event-store.md for the locking protocol and
 * its proof. Each operation takes a connection from the data source and closes it; when that
 * connection is in a transaction (JTA, or a test helper binding one connection to the thread) the
 * operation joins it. Otherwise a read that outgrows one fetch runs in a local transaction of its
 * own (for its cursor), and a LOCKED read, a read that fits in one fetch and an append in
 * autocommit: their statements go in one round trip, which PostgreSQL runs as one implicit
 * transaction.
 */
public final class JdbcEventStore implements EventStore {

    private static final Logger LOG = Logger.getLogger(JdbcEventStore.class.getName());

    public static final int DEFAULT_FETCH_SIZE = 500;
    /** How long a condition that locks "all" or whole types waits for its locks by default. */
    public static final Duration DEFAULT_BROAD_CONDITION_LOCK_TIMEOUT = Duration.ofSeconds(2);
    /** How long a group commit's shared transaction waits for a lock by default. */
    public static final Duration DEFAULT_GROUP_COMMIT_LOCK_TIMEOUT = Duration.ofMillis(200);

    static final String SAFE_POSITION_SQL = "SELECT es_safe_position()";
    static final String QUERY_SAFE_POSITION_SQL = "SELECT es_safe_position(?::int4[], ?::int4[])";

    private final DataSource dataSource;
    private final EventCodec codec;
    private final int fetchSize;
    private final BooleanSupplier inGlobalTransaction;
    private final Duration broadConditionLockTimeout;
    /**
     * The highest safe position returned so far, per set of condition keys (empty: the global
     * one). A writer reads the sequence before its mark is visible, so a mark can show up below a
     * safe position already computed, and the next computation comes out lower; the older value
     * is still safe (its writers' positions are above it), so returning the maximum keeps capped
     * reads monotonic. Bounded: cleared when it grows past MAX_HIGH_WATER_MARKS query shapes.
     * Only values computed outside any transaction of the caller count: a session that appended
     * ignores its own marks, so its value holds for itself alone.
     */
    private final Map<List<Long>, Long> safeHighWater = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_HIGH_WATER_MARKS = 10_000;
    /** Null: every append runs in a transaction of its own (or the caller's). */
    private final GroupCommit groupCommit;

    public JdbcEventStore(DataSource dataSource, EventTypeRegistry registry, EventSerializer serializer) {
        this(dataSource, registry, serializer, DEFAULT_FETCH_SIZE, () -> false);
    }

    public JdbcEventStore(DataSource dataSource, EventTypeRegistry registry, EventSerializer serializer, int fetchSize) {
        this(dataSource, registry, serializer, fetchSize, () -> false);
    }

    /**
     * @param inGlobalTransaction whether a container (JTA) transaction is active on this thread:
     *                            then the store never touches auto-commit, commit or rollback (a
     *                            JTA connection handle may report auto-commit true and refuses
     *                            the change); otherwise an auto-commit connection gets a local
     *                            transaction of its own per read that needs a cursor, and a
     *                            LOCKED read or an append runs as one implicit transaction
     */
    public JdbcEventStore(DataSource dataSource, EventTypeRegistry registry, EventSerializer serializer,
                          int fetchSize, BooleanSupplier inGlobalTransaction) {
        this(dataSource, registry, serializer, fetchSize, inGlobalTransaction, DEFAULT_BROAD_CONDITION_LOCK_TIMEOUT);
    }

    /**
     * @param broadConditionLockTimeout how long the lock step of a condition (append or LOCKED
     *                                  read) that locks "all" or whole types (an item without
     *                                  tags) may wait for a lock before it fails with a transient
     *                                  {@link EventStoreAccessException}; zero: no limit. Such a
     *                                  waiting request queues every later writer (of those types)
     *                                  behind it, so an idle transaction would stall them all.
     *                                  Conditions on tags wait as long as needed.
     */
    public JdbcEventStore(DataSource dataSource, EventTypeRegistry registry, EventSerializer serializer,
                          int fetchSize, BooleanSupplier inGlobalTransaction, Duration broadConditionLockTimeout) {
        if (dataSource == null || registry == null || serializer == null) {
            throw new IllegalArgumentException("dataSource, registry and serializer are required");
        }
        if (fetchSize < 1 || fetchSize == Integer.MAX_VALUE) { // a first fetch asks for one row more
            throw new IllegalArgumentException("fetchSize must be positive and below " + Integer.MAX_VALUE + ": " + fetchSize);
        }
        if (broadConditionLockTimeout == null || broadConditionLockTimeout.isNegative()) {
            throw new IllegalArgumentException("the broad condition lock timeout must be zero or positive: "
                    + broadConditionLockTimeout);
        }
        this.dataSource = dataSource;
        this.codec = new EventCodec(registry, serializer);
        this.fetchSize = fetchSize;
        this.inGlobalTransaction = inGlobalTransaction;
        this.broadConditionLockTimeout = broadConditionLockTimeout;
        this.groupCommit = null;
    }

    private JdbcEventStore(JdbcEventStore settings, int maxBatch, Duration lockTimeout) {
        this.dataSource = settings.dataSource;
        this.codec = settings.codec;
        this.fetchSize = settings.fetchSize;
        this.inGlobalTransaction = settings.inGlobalTransaction;
        this.broadConditionLockTimeout = settings.broadConditionLockTimeout;
        this.groupCommit = new GroupCommit(dataSource, maxBatch, lockTimeout, this::runAlone);
    }

    /**
     * This store with group commit: an append made without a transaction of the caller (as
     * {@code inGlobalTransaction} tells, which must then be true whenever the caller has one)
     * shares one transaction and one commit with the appends made at the same time, up to
     * {@code maxBatch} of them ({@link GroupCommit}). Appends in a transaction of the caller
     * run in it, as without group commit.
     *
     * @param lockTimeout how long a shared transaction waits for a lock before its appends run
     *                    alone, each on its caller's thread (appends queue behind it meanwhile)
     */
    public JdbcEventStore withGroupCommit(int maxBatch, Duration lockTimeout) {
        return new JdbcEventStore(this, maxBatch, lockTimeout);
    }

    /** With group commit, batches waiting {@link #DEFAULT_GROUP_COMMIT_LOCK_TIMEOUT} for a lock at most. */
    public JdbcEventStore withGroupCommit(int maxBatch) {
        return withGroupCommit(maxBatch, DEFAULT_GROUP_COMMIT_LOCK_TIMEOUT);
    }

    /** What group commit did so far; empty when it is off. */
    public java.util.Optional<GroupCommitStatistics> groupCommitStatistics() {
        return java.util.Optional.ofNullable(groupCommit).map(GroupCommit::statistics);
    }

    @Override
    public EventTypeRegistry registry() {
        return codec.registry();
    }

    /** The serialization, decoding and unknown-type policy of this store (listeners decode with it). */
    public EventCodec codec() {
        return codec;
    }

    // ------------------------------------------------------------------------------------ append

    @Override
    public List<AppendedEvent> append(List<NewEvent> events, AppendCondition condition) {
        if (condition == null) {
            throw new InvalidInputException("condition is null (use append(events) for an unconditional append)");
        }
        return appendTyped(events, List.of(condition));
    }

    @Override
    public List<AppendedEvent> appendWithConditions(List<NewEvent> events, List<AppendCondition> conditions) {
        if (conditions == null || conditions.isEmpty()) {
            throw new InvalidInputException("no conditions (use append(events) for an unconditional append)");
        }
        for (AppendCondition c : conditions) { // not contains(null): immutable lists throw on it
            if (c == null) {
                throw new InvalidInputException("a condition is null");
            }
        }
        return appendTyped(events, List.copyOf(conditions));
    }

    @Override
    public List<AppendedEvent> append(List<NewEvent> events) {
        return appendTyped(events, List.of());
    }

    @Override
    public List<AppendedEvent> appendRaw(List<RawEvent> events, AppendCondition condition) {
        checkNotEmpty(events);
        List<Event> decoded = new ArrayList<>(events.size());
        for (RawEvent r : events) {
            decoded.add(codec.decodeToAppend(r).orElse(null));
        }
        Inserted inserted = insert(events, condition == null ? List.of() : List.of(condition));
        List<AppendedEvent> out = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            RawEvent r = events.get(i);
            out.add(new AppendedEvent(inserted.positions().get(i), r.eventId(), r.type(), r.tags(), decoded.get(i), null,
                    inserted.recordedAt()));
        }
        return out;
    }

    private List<AppendedEvent> appendTyped(List<NewEvent> events, List<AppendCondition> conditions) {
        checkNotEmpty(events);
        List<RawEvent> rows = new ArrayList<>(events.size());
        for (NewEvent e : events) {
            rows.add(codec.encode(e));
        }
        Inserted inserted = insert(rows, conditions);
        List<AppendedEvent> out = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            RawEvent r = rows.get(i);
            NewEvent source = events.get(i);
            out.add(new AppendedEvent(inserted.positions().get(i), r.eventId(), r.type(), r.tags(), source.event(),
                    source.metadata(), inserted.recordedAt()));
        }
        return out;
    }

    private static void checkNotEmpty(List<?> events) {
        if (events == null || events.isEmpty()) {
            throw new InvalidInputException("nothing to append: the event list is " + (events == null ? "null" : "empty"));
        }
        for (Object e : events) { // not contains(null): immutable lists throw on it
            if (e == null) {
                throw new InvalidInputException("an event to append is null");
            }
        }
    }

    /**
     * Appends the rows in one transaction and one round trip (see {@link #runAlone}): the locks (shared writer keys of
     * every event, exclusive keys of the condition, the watermark mark), then the insert. With a
     * condition, the locks are a statement of their own, so the insert (and its check) gets a
     * snapshot taken AFTER the locks were granted. An insert without a condition takes them in an
     * InitPlan of its one-time filter, evaluated before the first row draws its position: one
     * statement. With group commit on and no transaction of the caller, the append joins the
     * next shared transaction instead ({@link GroupCommit}).
     */
    private Inserted insert(List<RawEvent> rows, List<AppendCondition> conditions) {
        PendingAppend append = pending(rows, conditions);
        Inserted inserted = groupCommit != null && !inGlobalTransaction.getAsBoolean()
                ? groupCommit.append(append)
                : runAlone(append);
        if (inserted == null) {
            throw new AppendConditionFailed(conditions);
        }
        return inserted;
    }

    private PendingAppend pending(List<RawEvent> rows, List<AppendCondition> conditions) {
        LockKeys keys = new LockKeys();
        for (RawEvent r : rows) {
            keys.writer(r.type(), r.tags());
        }
        // the conditions as the stored events carry them: renamed types with their old names
        List<AppendCondition> checked = new ArrayList<>(conditions.size());
        for (AppendCondition c : conditions) {
            AppendCondition widened = new AppendCondition(codec.registry().withOldNames(c.failIfEventsMatch()), c.after());
            checked.add(widened);
            keys.condition(widened.failIfEventsMatch());
        }
        if (keys.size() > Limits.MAX_LOCK_KEYS_PER_APPEND) {
            throw new InvalidInputException("the append needs " + keys.size() + " lock keys (distinct types and tags of its"
                    + " events and keys of its conditions), the limit is " + Limits.MAX_LOCK_KEYS_PER_APPEND
                    + ": split it into smaller appends");
        }
        return new PendingAppend(rows, List.copyOf(checked), keys, broadConditionLockTimeout.toMillis());
    }

    /**
     * One append's rows, its conditions (with old type names; none: unconditional) and its lock
     * keys, ready to run alone or in a shared transaction.
     */
    record PendingAppend(List<RawEvent> rows, List<AppendCondition> checked, LockKeys keys, long broadLockTimeoutMillis) {

        /** Every item names tags and no types: the check's generic plan is right whatever the values (see {@link #check}). */
        boolean genericCheck() {
            return !checked.isEmpty() && checked.stream().flatMap(c -> c.failIfEventsMatch().items().stream())
                    .allMatch(i -> i.types().isEmpty() && !i.tags().isEmpty());
        }

        /**
         * Every item of its conditions is one tag without types (or it has no condition): its
         * check is a list of (tag, position) pairs, each failing it when an event of the tag is
         * stored after the position.
         */
        boolean checksSingleTags() {
            return checked.stream().flatMap(c -> c.failIfEventsMatch().items().stream())
                    .allMatch(i -> i.types().isEmpty() && i.tags().size() == 1);
        }

        /** The check keeps a position as a literal (items with types, or "all"): it must be planned with its values. */
        boolean customPlans() {
            return !checked.isEmpty() && !genericCheck();
        }

        /**
         * In the caller's transaction, or as one implicit transaction in autocommit: what it
         * inserted, or null when the condition failed.
         *
         * @param implicitTransaction the round trip is the transaction (autocommit)
         */
        Inserted runAlone(Connection c, boolean implicitTransaction) throws SQLException, AppendRoundTrip.OutcomeUnknown {
            SqlBuilder sql = new SqlBuilder();
            boolean lockStatement = !checked.isEmpty();
            if (lockStatement) {
                sql.append(LockKeys.lockStatement(!customPlans()));
                keys.appendTo(sql, true, broadLockTimeoutMillis);
                sql.append("; ");
            }
            insertStatement(sql, !lockStatement);
            if (lockStatement && !customPlans() && !implicitTransaction) {
                sql.append(LockKeys.RESTORE_PLAN_SETTINGS);
            }
            return AppendRoundTrip.run(c, sql, lockStatement, customPlans(), List.of(rows)).get(0);
        }

        /**
         * A group commit's batch of this append alone: the lock step, every wait bounded by
         * {@code lockTimeoutMillis} (others queue behind it), then the insert, whose rows are the
         * second result.
         */
        SqlBuilder boundedStatements(long lockTimeoutMillis) {
            SqlBuilder sql = new SqlBuilder().append(LockKeys.lockStatement(!customPlans()));
            keys.appendBoundedTo(sql, lockTimeoutMillis);
            sql.append("; ");
            insertStatement(sql, false);
            return sql;
        }

        /**
         * The insert, checked when a condition is given. Without a condition and unless the
         * transaction already holds the locks, they are taken in the insert's one-time filter.
         */
        void insertStatement(SqlBuilder sql, boolean unconditionalTakesLocks) {
            appendInsert(sql, rows);
            if (!checked.isEmpty()) {
                sql.append(" WHERE ");
                check(sql);
            } else if (unconditionalTakesLocks) {
                sql.append(" WHERE (SELECT ");
                keys.appendTo(sql, true, 0); // a writer's keys alone: no condition, nothing broad
                sql.append(")");
            }
            sql.append(RETURNING);
        }

        /**
         * A boolean expression: true when no stored event matches a condition after its position.
         * One count per item of each condition, each 0. Items of tags alone have a constant text,
         * server-prepared, whose generic plan is right whatever the values (hidden from the planner as
         * {@code (SELECT ?)}, so custom and generic plans cost the same and the plan cache keeps
         * the generic one): one tag counts its entries after the position in es_event_tag (an
         * index range: the cost does not grow with the tag's history); several tags intersect
         * them in the GIN tag index. Items with types write the position as a literal and are
         * planned with their values: a generic plan cannot tell a common type from a rare one
         * (for one tag, the planner then chooses between the type's index and the tag's range).
         */
        void check(SqlBuilder sql) {
            sql.append("(");
            for (int i = 0; i < checked.size(); i++) {
                sql.append(i == 0 ? "" : " AND ");
                check(sql, checked.get(i));
            }
            sql.append(")");
        }

        private static void check(SqlBuilder sql, AppendCondition condition) {
            // count(*) rather than EXISTS: EXISTS plans for the first row and may prefer a scan
            // that finds nothing only after reading the table (docs/event-store.md, plans).
            EventQuery query = condition.failIfEventsMatch();
            if (query.matchesAll()) {
                sql.append("(SELECT count(*) FROM es_event x WHERE x.position > " + condition.after() + ") = 0");
                return;
            }
            sql.append("(");
            boolean first = true;
            for (QueryItem item : query.items()) {
                sql.append(first ? "" : " AND ");
                first = false;
                boolean oneTag = item.tags().size() == 1;
                if (oneTag && item.types().isEmpty()) {
                    sql.append("(SELECT count(*) FROM es_event_tag t WHERE t.tag = (SELECT ?::text) AND t.position > (SELECT ?::bigint)")
                            .param(item.tags().iterator().next()).param(condition.after());
                } else if (item.types().isEmpty()) {
                    // "position + 0" keeps the generic plan off a primary-key range scan (which, for
                    // an old "after", would walk the table): the plan is the tag index
                    sql.append("(SELECT count(*) FROM es_event x WHERE (x.position + 0) > (SELECT ?::bigint)").param(condition.after());
                    sql.append(" AND x.tags @> (SELECT ?::text[])").arrayParam("text", item.tags().toArray(new String[0]));
                } else {
                    sql.append("(SELECT count(*) FROM es_event x WHERE x.position > " + condition.after());
                    if (oneTag) {
                        sql.append(" AND x.position IN (SELECT t.position FROM es_event_tag t WHERE t.tag = ? AND t.position > "
                                + condition.after() + ")").param(item.tags().iterator().next());
                        sql.predicate("x", EventQuery.of(QueryItem.of(item.types(), Set.of())), " AND ");
                    } else {
                        sql.predicate("x", EventQuery.of(item), " AND ");
                    }
                }
                sql.append(") = 0");
            }
            sql.append(")");
        }

        /** Whether one of the rows would fail this append's condition. */
        boolean conflictsWith(List<RawEvent> others) {
            return others.stream().anyMatch(r -> checked.stream().anyMatch(c -> c.failIfEventsMatch().matches(r.type(), r.tags())));
        }
    }

    static void appendInsert(SqlBuilder sql, List<RawEvent> rows) {
        if (rows.size() == 1) {
            RawEvent r = rows.get(0);
            sql.append("INSERT INTO es_event (event_id, type, type_version, tags, payload, metadata)"
                    + " SELECT ?::uuid, ?, ?::int4, ?::text[], ?::jsonb, ?::jsonb");
            sql.param(r.eventId()).param(r.type()).param((Object) r.version()).arrayParam("text", r.tags().toArray(new String[0]))
                    .param(r.payloadJson()).param(r.metadataJson());
            return;
        }
        appendInsertInOrder(sql, rows);
    }

    /** The insert of the rows in their order, each row numbered by {@code e.ord} (from 1). */
    static void appendInsertInOrder(SqlBuilder sql, List<RawEvent> rows) {
        sql.append("INSERT INTO es_event (position, event_id, type, type_version, tags, payload, metadata)"
                + " SELECT nextval('es_position_seq'), e.event_id, e.type, e.type_version, e.tags::text[], e.payload::jsonb,"
                + " e.metadata::jsonb"
                + " FROM (SELECT * FROM unnest(?::uuid[], ?::text[], ?::int4[], ?::text[], ?::text[], ?::text[])"
                + " WITH ORDINALITY AS u(event_id, type, type_version, tags, payload, metadata, ord) ORDER BY u.ord) e");
        UUID[] ids = new UUID[rows.size()];
        String[] types = new String[rows.size()];
        Integer[] versions = new Integer[rows.size()];
        String[] tags = new String[rows.size()];
        String[] payloads = new String[rows.size()];
        String[] metadata = new String[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            RawEvent r = rows.get(i);
            ids[i] = r.eventId();
            types[i] = r.type();
            versions[i] = r.version();
            tags[i] = arrayLiteral(r.tags());
            payloads[i] = r.payloadJson();
            metadata[i] = r.metadataJson();
        }
        sql.arrayParam("uuid", ids).arrayParam("text", types).arrayParam("int4", versions).arrayParam("text", tags)
                .arrayParam("text", payloads).arrayParam("text", metadata);
    }

    /**
     * What an insert returns: {@link AppendRoundTrip} reads it. Fixed-length columns
     * only: pgjdbc's receive-buffer guard may send a Sync before a statement whose result rows it
     * cannot bound, which would end an autocommit append's implicit transaction between its lock
     * step and its insert (not seen with 42.7.5; the insert would then fail, never store silently:
     * the protocol marker goes with the first transaction).
     */
    static final String RETURNING = " RETURNING position, event_id, recorded_at";

    /** Executes a two-statement query (lock; work) and returns the result set of the second. */
    static ResultSet secondResult(PreparedStatement ps) throws SQLException {
        ps.execute(); // first result: the lock statement's single row
        if (!ps.getMoreResults()) {
            throw new SQLException("the statement after the lock returned no result set");
        }
        return ps.getResultSet();
    }

    /**
     * Asks the driver to send the statement unnamed, so PostgreSQL plans it with the actual
     * parameter values every time (no generic plan). Best effort: a pool wrapper that cannot
     * unwrap to the driver's statement keeps the driver's default.
     */
    private static final AtomicBoolean CUSTOM_PLANS_REFUSED = new AtomicBoolean();

    static void customPlans(PreparedStatement ps) {
        try {
            if (ps.isWrapperFor(org.postgresql.PGStatement.class)) {
                ps.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(0);
            }
        } catch (SQLException | RuntimeException | LinkageError e) {
            // once loud: a class loader that hides the driver cost every read its plans, silently
            if (CUSTOM_PLANS_REFUSED.compareAndSet(false, true)) {
                LOG.warning("cannot force custom plans for the event store's queries (is the PostgreSQL driver visible to"
                        + " the application?): " + e);
            } else {
                LOG.log(Level.FINE, "cannot force custom plans: {0}", e.toString());
            }
        }
    }

    /** A PostgreSQL array literal, every element quoted. */
    static String arrayLiteral(Set<String> values) {
        StringBuilder b = new StringBuilder(16 * values.size() + 2).append('{');
        boolean first = true;
        for (String v : values) {
            if (!first) {
                b.append(',');
            }
            first = false;
            b.append('"');
            for (int i = 0; i < v.length(); i++) {
                char ch = v.charAt(i);
                if (ch == '"' || ch == '\\') {
                    b.append('\\');
                }
                b.append(ch);
            }
            b.append('"');
        }
        return b.append('}').toString();
    }

    // -------------------------------------------------------------------------------------- read

    @Override
    public EventStream<RecordedEvent> read(EventQuery query, ReadOptions options) {
        UnknownTypePolicy policy = options == null ? UnknownTypePolicy.FAIL : options.unknownTypes();
        return open(query, options, raw -> codec.decode(raw, policy));
    }

    @Override
    public EventStream<StoredEvent> readRaw(EventQuery query, ReadOptions options) {
        return open(query, options, raw -> raw);
    }

    /**
     * @param query the caller's query: the read's append condition is made of it; the SQL, the
     *              locks and the safe position use it with the old names of renamed types
     */
    private <T> EventStream<T> open(EventQuery query, ReadOptions options, java.util.function.Function<StoredEvent, T> mapper) {
        if (query == null) {
            throw new InvalidInputException("query is null");
        }
        EventQuery stored = codec.registry().withOldNames(query);
        if (options == null) {
            options = ReadOptions.defaults();
        }
        Connection c = null;
        PreparedStatement ps = null;
        boolean local = false;
        LockKeys lockStep = null;
        try {
            c = dataSource.getConnection();
            boolean ownConnection = needsLocalTransaction(c);
            // A cursor (fetch size) needs a transaction. A LOCKED read does without: its lock
            // statement and its read are sent before one Sync, which PostgreSQL runs as one
            // implicit transaction, the locks held until the last row is sent; in autocommit the
            // driver reads the rows whole (a decision's state, not a huge read). Nor does a read whose
            // limit fits in one fetch. Both end with their last row, without a ROLLBACK round trip
            // (an optimistic decision's state read, a page of /dcb, a live subscription's poll).
            boolean oneRoundTrip = options.consistency() == ReadOptions.Consistency.LOCKED
                    || options.limit() > 0 && options.limit() <= fetchSize;
            long upper = options.to();
            Long cap = null;
            switch (options.consistency()) {
                case SAFE -> {
                    cap = monotonicSafePosition(c, stored, ownConnection);
                    upper = Math.min(upper, cap);
                }
                case LOCKED -> { }
                case UNCAPPED -> { }
            }
            SqlBuilder sql = new SqlBuilder();
            boolean locked = options.consistency() == ReadOptions.Consistency.LOCKED;
            // Without bounds or limit, and with tags in every item, the text is constant for a
            // query shape and its generic plan is right whatever the tags: prepared once per
            // connection, never re-planned (a decision's read). Types stay visible to the planner:
            // a generic plan made for a common type walks the whole table for a rare one.
            boolean tagsOnly = stored.items().stream().allMatch(i -> i.types().isEmpty() && (!i.tags().isEmpty() || stored.matchesAll()));
            // A LOCKED read from a position (a decision's read after its cached states) is one
            // entity's few newest events: "position + 0" keeps the plan on the tag index, where a
            // literal bound beyond the statistics' last position makes the planner walk the
            // primary key through every newer event of the store.
            boolean entityTail = locked && options.from() > 1 && tagsOnly && !stored.matchesAll();
            // One tag per item: the events from the position are the tags' entries from it in
            // es_event_tag, a range per tag whatever the entity's history (a retry after stale
            // states, a decision on states cached long ago; docs/event-store.md, Tag positions).
            boolean tagTail = entityTail && stored.items().stream().allMatch(i -> i.tags().size() == 1);
            boolean generic = (options.from() <= 1 || entityTail) && upper == Long.MAX_VALUE && options.limit() == 0 && tagsOnly;
            if (locked) {
                // One round trip: lock statement, then the read in a statement of its own (a
                // snapshot taken after the locks). LOCKED reads are meant for decision states,
                // not for huge reads (outside a transaction the driver reads them whole).
                lockStep = new LockKeys().condition(stored);
                sql.append(LockKeys.lockStatement(generic));
                lockStep.appendTo(sql, false, broadConditionLockTimeout.toMillis());
                sql.append("; ");
            }
            // Bounds are literals (longs: no injection) and left out when they bound nothing: a
            // generic plan of "position BETWEEN $1 AND $2" guesses 0.5% of the table and walks the
            // primary key filtering tags (100x slower than the tag index, docs/event-store.md).
            sql.append("SELECT position, event_id, type, type_version, tags, payload, metadata, recorded_at FROM ");
            if (tagTail) {
                // Each tag's range, then each entry's event by primary key: lookups in nested loops
                // whatever the statistics say. The OFFSETs keep the planner from turning the lateral
                // sub-selects into joins: with few distinct tags it plans those as scans of all of
                // es_event_tag or es_event (docs/event-store.md, Tag positions). The range is the
                // predicate: a tag's entries are its events.
                String[] tags = stored.items().stream().map(i -> i.tags().iterator().next()).distinct().toArray(String[]::new);
                sql.append("(SELECT DISTINCT r.position AS entry FROM unnest((SELECT ?::text[])) q(tag) CROSS JOIN LATERAL"
                        + " (SELECT t.position FROM es_event_tag t WHERE t.tag = q.tag AND t.position >= (SELECT ?::bigint) OFFSET 0) r) p")
                        .arrayParam("text", tags).param(options.from());
                sql.append(" CROSS JOIN LATERAL (SELECT * FROM es_event x WHERE x.position = p.entry OFFSET 0) e WHERE TRUE");
            } else {
                sql.append("es_event e WHERE TRUE");
                if (entityTail) {
                    sql.append(" AND (e.position + 0) >= ?").param(options.from());
                } else if (options.from() > 1) {
                    sql.append(" AND e.position >= " + options.from());
                }
            }
            if (upper != Long.MAX_VALUE) {
                sql.append(" AND e.position <= " + upper);
            }
            if (!tagTail) {
                sql.predicate("e", stored, " AND ", generic);
            }
            sql.append(options.direction() == dev.pgevents.eventstore.Direction.FORWARD
                    ? " ORDER BY e.position" : " ORDER BY e.position DESC");
            if (options.limit() > 0) {
                sql.append(" LIMIT " + options.limit());
            }
            if (locked && generic && !ownConnection) { // the caller's transaction goes on
                sql.append(LockKeys.RESTORE_PLAN_SETTINGS);
            }
            ps = c.prepareStatement(sql.sql());
            if (!generic) {
                customPlans(ps);
            }
            if (ownConnection) {
                // Most reads without a limit fit one fetch too (a cart's events): read in autocommit
                // as well, no BEGIN and ROLLBACK. A longer one runs again with a cursor: rows up to a
                // cap are all committed, so the same rows (uncapped: a later snapshot's).
                List<StoredEvent> whole = readWhole(sql, c, ps, locked, oneRoundTrip);
                if (whole != null) {
                    JdbcEventStream.closeQuietly(ps);
                    JdbcEventStream.closeQuietly(c, false);
                    return new JdbcEventStream<>(whole, query, options, cap, mapper);
                }
                local = true;
                c.setAutoCommit(false);
            }
            JdbcEventStream<T> stream = new JdbcEventStream<>(c, local, ps, query, options, cap, mapper);
            try {
                sql.bind(c, ps);
                ps.setFetchSize(fetchSize);
                stream.start(locked ? secondResult(ps) : ps.executeQuery());
            } catch (SQLException | RuntimeException e) {
                stream.close();
                throw e;
            }
            return stream;
        } catch (SQLException e) {
            JdbcEventStream.closeQuietly(ps);
            JdbcEventStream.closeQuietly(c, local);
            throw translate(e, "read", lockStep);
        } catch (RuntimeException e) {
            JdbcEventStream.closeQuietly(ps);
            JdbcEventStream.closeQuietly(c, local);
            throw e;
        }
    }

    /**
     * A read in autocommit, whose rows the driver reads whole: all of them for a read of one round
     * trip; else null if one fetch does not hold them (at most fetchSize + 1 asked for, as the
     * Execute message's row limit: the plan is the one without a limit).
     */
    private List<StoredEvent> readWhole(SqlBuilder sql, Connection c, PreparedStatement ps, boolean locked,
                                        boolean oneRoundTrip) throws SQLException {
        sql.bind(c, ps);
        if (!oneRoundTrip) {
            ps.setMaxRows(fetchSize + 1);
        }
        List<StoredEvent> rows = new ArrayList<>();
        try (ResultSet rs = locked ? secondResult(ps) : ps.executeQuery()) {
            while (rs.next()) {
                rows.add(JdbcEventStream.row(rs));
            }
        } catch (SQLException | RuntimeException e) {
            if (!oneRoundTrip) {
                try {
                    ps.setMaxRows(0);
                } catch (SQLException | RuntimeException reset) {
                    e.addSuppressed(reset); // the read's own failure (its SQLState) is the one to report
                }
            }
            throw e;
        }
        if (!oneRoundTrip) {
            ps.setMaxRows(0); // a cached statement must not keep the limit
        }
        return oneRoundTrip || rows.size() <= fetchSize ? rows : null;
    }

    @Override
    public long safePosition() {
        try (Connection c = dataSource.getConnection()) {
            long computed = safePosition(c);
            return needsLocalTransaction(c) ? highWater(List.of(), computed) : computed;
        } catch (SQLException e) {
            throw translate(e, "safe position");
        }
    }

    @Override
    public long safePosition(EventQuery query) {
        if (query == null) {
            throw new InvalidInputException("query is null");
        }
        try (Connection c = dataSource.getConnection()) {
            return monotonicSafePosition(c, codec.registry().withOldNames(query), needsLocalTransaction(c));
        } catch (SQLException e) {
            throw translate(e, "safe position");
        }
    }

    /** @param fresh the connection was in auto-commit: no transaction of the caller, so no own marks */
    private long monotonicSafePosition(Connection c, EventQuery query, boolean fresh) throws SQLException {
        long computed = safePosition(c, query);
        if (!fresh) {
            return computed;
        }
        // a global safe position is safe for every query too
        long global = safeHighWater.getOrDefault(List.of(), 0L);
        return Math.max(global, highWater(List.copyOf(new LockKeys().condition(query).entries().keySet()), computed));
    }

    private long highWater(List<Long> keys, long computed) {
        if (safeHighWater.size() > MAX_HIGH_WATER_MARKS) {
            safeHighWater.clear();
        }
        return safeHighWater.merge(keys, computed, Math::max);
    }

    /** In a statement of its own: the caller's next statement gets a snapshot taken after it. */
    static long safePosition(Connection c, EventQuery query) throws SQLException {
        LockKeys keys = new LockKeys().condition(query);
        try (PreparedStatement ps = c.prepareStatement(QUERY_SAFE_POSITION_SQL)) {
            ps.setArray(1, c.createArrayOf("int4", keys.hi()));
            ps.setArray(2, c.createArrayOf("int4", keys.lo()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static long safePosition(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SAFE_POSITION_SQL); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    // ------------------------------------------------------------------------------ transactions

    /**
     * Runs one append on a connection of the data source, its statements in one round trip: in the
     * caller's transaction when there is one; else in autocommit, where PostgreSQL runs the
     * statements sent before one Sync as one implicit transaction and commits it at the Sync (no
     * BEGIN, no COMMIT round trip). In autocommit, a failure once the statements were sent that is
     * not PostgreSQL's refusal ({@link AppendRoundTrip#refusedByServer}) may follow the commit: the
     * caller is told the outcome is unknown.
     */
    private Inserted runAlone(PendingAppend append) {
        Connection c;
        try {
            c = dataSource.getConnection();
        } catch (SQLException e) {
            throw translate(e, "append", append.keys());
        }
        try {
            boolean implicitTransaction = !inGlobalTransaction.getAsBoolean() && c.getAutoCommit();
            try {
                return append.runAlone(c, implicitTransaction);
            } catch (AppendRoundTrip.OutcomeUnknown e) {
                if (implicitTransaction) {
                    throw e.explained("the append");
                }
                if (e.getCause() instanceof SQLException sql) {
                    throw sql; // the caller's transaction: it commits nothing of this by itself
                }
                throw (RuntimeException) e.getCause();
            }
        } catch (SQLException e) {
            throw translate(e, "append", append.keys());
        } finally {
            AppendRoundTrip.closeQuietly(c);
        }
    }

    private boolean needsLocalTransaction(Connection c) throws SQLException {
        return !inGlobalTransaction.getAsBoolean() && c.getAutoCommit();
    }

    /** As {@link #translate(SQLException, String)}, saying why a broad condition's lock step timed out. */
    private RuntimeException translate(SQLException e, String what, LockKeys lockStep) {
        if (EventStoreAccessException.LOCK_NOT_AVAILABLE.equals(e.getSQLState()) && lockStep != null && lockStep.broad()
                && !broadConditionLockTimeout.isZero()) {
            return EventStoreAccessException.explained(what + " failed: the condition's locks were not available within "
                    + readable(broadConditionLockTimeout) + ": another transaction holds a lock on events the condition"
                    + " matches (a writer of such an event, or another condition on them, has not ended: an idle or"
                    + " in-doubt transaction?); retry", e);
        }
        return translate(e, what);
    }

    /** 300 ms, 2 s. */
    static String readable(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    static RuntimeException translate(SQLException e, String what) {
        if ("23505".equals(e.getSQLState()) && String.valueOf(e.getMessage()).contains("es_event_event_id_key")) {
            // not the caller's input alone: it conflicts with what is stored (SQLSTATE 23505)
            return EventStoreAccessException.explained("an event id of the " + what + " already exists", e);
        }
        return new EventStoreAccessException(what + " failed", e);
    }
}
