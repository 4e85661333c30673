package dev.pgevents.dcbapi;

import dev.pgevents.eventstore.AppendCondition;
import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.QueryItem;
import dev.pgevents.eventstore.jdbc.LockKeys;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Appends events given as type, tags and JSON text, with the event store's protocol exactly (see
 * docs/event-store.md and {@code JdbcEventStore#doAppend}): one transaction, one round trip
 * of two statements: {@code es_lock_keys} with the store's {@link LockKeys} (shared writer keys
 * of every event, exclusive keys of the condition's query, then the writer's watermark mark);
 * then {@code INSERT ... SELECT ... WHERE (SELECT count(*) ... position > after AND query) = 0},
 * which draws positions in request order. The store's Java API only appends events of registered Java
 * classes, so this adapter repeats its statement for raw events; it becomes a call of the store
 * once the store offers a raw append (see docs/http-api.md).
 */
public final class RawAppender {

    static final String LOCK_SQL = "SELECT es_lock_keys(?::int4[], ?::int4[], ?::bool[], ?)";

    private final DataSource dataSource;

    public RawAppender(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Appends all events atomically, or none when the condition fails.
     *
     * @return the positions, in request order; empty when the condition failed
     */
    public List<Long> append(List<DcbEvent> events, AppendCondition condition) throws SQLException {
        LockKeys keys = new LockKeys();
        for (DcbEvent e : events) {
            keys.writer(e.type(), e.tags());
        }
        if (condition != null) {
            keys.condition(condition.failIfEventsMatch());
        }
        // One round trip, as the store: the lock statement, then the insert in a statement of its
        // own (its snapshot, and so its condition check, is taken after the locks were granted).
        StringBuilder sql = new StringBuilder(512);
        List<Object> params = new ArrayList<>();
        sql.append(LOCK_SQL).append("; ");
        lockParams(keys, params);
        int n = events.size();
        UUID[] ids = new UUID[n];
        for (int i = 0; i < n; i++) {
            ids[i] = events.get(i).id();
        }
        if (n == 1) {
            DcbEvent e = events.get(0);
            sql.append("INSERT INTO es_event (event_id, type, tags, payload, metadata)"
                    + " SELECT ?::uuid, ?, ?::text[], ?::jsonb, ?::jsonb");
            params.add(e.id());
            params.add(e.type());
            params.add(new ArrayParam("text", e.tags().toArray(new String[0])));
            params.add(e.payload());
            params.add(metadataOf(e));
        } else {
            sql.append("INSERT INTO es_event (position, event_id, type, tags, payload, metadata)"
                    + " SELECT nextval('es_position_seq'), e.event_id, e.type, e.tags::text[], e.payload::jsonb, e.metadata::jsonb"
                    + " FROM (SELECT * FROM unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[])"
                    + " WITH ORDINALITY AS u(event_id, type, tags, payload, metadata, ord) ORDER BY u.ord) e");
            String[] types = new String[n];
            String[] tags = new String[n];
            String[] payloads = new String[n];
            String[] metadata = new String[n];
            for (int i = 0; i < n; i++) {
                DcbEvent e = events.get(i);
                types[i] = e.type();
                tags[i] = arrayLiteral(e.tags());
                payloads[i] = e.payload();
                metadata[i] = metadataOf(e);
            }
            params.add(new ArrayParam("uuid", ids));
            params.add(new ArrayParam("text", types));
            params.add(new ArrayParam("text", tags));
            params.add(new ArrayParam("text", payloads));
            params.add(new ArrayParam("text", metadata));
        }
        if (condition != null) {
            // count(*) and a literal position, as the store: planned with the actual value
            sql.append(" WHERE (SELECT count(*) FROM es_event x WHERE x.position > ").append(condition.after());
            predicate(sql, params, "x", condition.failIfEventsMatch());
            sql.append(") = 0");
        }
        sql.append(" RETURNING position, event_id");

        try (Connection c = dataSource.getConnection()) {
            boolean local = c.getAutoCommit();
            if (local) {
                c.setAutoCommit(false);
            }
            boolean done = false;
            try {
                Map<UUID, Long> positions = new java.util.HashMap<>();
                try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                    if (condition != null) {
                        customPlans(ps);
                    }
                    bind(c, ps, params);
                    ps.execute(); // the lock statement's single row
                    if (!ps.getMoreResults()) {
                        throw new SQLException("the insert after the lock returned no result set");
                    }
                    try (ResultSet rs = ps.getResultSet()) {
                        while (rs.next()) {
                            positions.put(rs.getObject(2, UUID.class), rs.getLong(1));
                        }
                    }
                }
                if (positions.isEmpty() && condition != null) {
                    if (local) {
                        c.rollback();
                    }
                    done = true;
                    return List.of();
                }
                if (positions.size() != n) {
                    throw new SQLException("inserted " + positions.size() + " of " + n + " events");
                }
                if (local) {
                    c.commit();
                }
                done = true;
                List<Long> out = new ArrayList<>(n);
                for (UUID id : ids) {
                    out.add(positions.get(id));
                }
                return out;
            } finally {
                if (local) {
                    if (!done) {
                        try {
                            c.rollback();
                        } catch (SQLException ignored) {
                            // the original exception matters
                        }
                    }
                    c.setAutoCommit(true);
                }
            }
        }
    }

    private static String metadataOf(DcbEvent e) {
        return e.text() ? DataCodec.TEXT_METADATA : DataCodec.JSON_METADATA;
    }

    /** The driver sends the statement unnamed: planned with its values each time (as the store). */
    static void customPlans(PreparedStatement ps) {
        try {
            if (ps.isWrapperFor(org.postgresql.PGStatement.class)) {
                ps.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(0);
            }
        } catch (SQLException | RuntimeException | LinkageError e) {
            // best effort: keep the driver's default
        }
    }

    static void lockParams(LockKeys keys, List<Object> params) {
        Map<Long, Boolean> entries = keys.entries();
        Integer[] hi = new Integer[entries.size()];
        Integer[] lo = new Integer[entries.size()];
        Boolean[] exclusive = new Boolean[entries.size()];
        int i = 0;
        for (Map.Entry<Long, Boolean> e : entries.entrySet()) {
            long h = e.getKey();
            hi[i] = (int) (h >>> 32);
            lo[i] = (int) h;
            exclusive[i] = e.getValue();
            i++;
        }
        params.add(new ArrayParam("int4", hi));
        params.add(new ArrayParam("int4", lo));
        params.add(new ArrayParam("bool", exclusive));
        params.add(Boolean.TRUE);
    }

    /** The store's predicate: {@code (item OR ...)}, item = {@code type = ANY(..) AND tags @> ..}. */
    static void predicate(StringBuilder sql, List<Object> params, String alias, EventQuery query) {
        if (query.matchesAll()) {
            return;
        }
        sql.append(" AND (");
        boolean firstItem = true;
        for (QueryItem item : query.items()) {
            if (!firstItem) {
                sql.append(" OR ");
            }
            firstItem = false;
            sql.append('(');
            boolean needAnd = false;
            if (!item.types().isEmpty()) {
                if (item.types().size() == 1) {
                    sql.append(alias).append(".type = ?");
                    params.add(item.types().iterator().next());
                } else {
                    sql.append(alias).append(".type = ANY(?::text[])");
                    params.add(new ArrayParam("text", item.types().toArray(new String[0])));
                }
                needAnd = true;
            }
            if (!item.tags().isEmpty()) {
                if (needAnd) {
                    sql.append(" AND ");
                }
                sql.append(alias).append(".tags @> ?::text[]");
                params.add(new ArrayParam("text", item.tags().toArray(new String[0])));
            }
            sql.append(')');
        }
        sql.append(')');
    }

    private record ArrayParam(String type, Object[] values) {
    }

    private static void bind(Connection c, PreparedStatement ps, List<Object> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            Object p = params.get(i);
            if (p instanceof ArrayParam a) {
                ps.setArray(i + 1, c.createArrayOf(a.type, a.values));
            } else if (p instanceof Long l) {
                ps.setLong(i + 1, l);
            } else if (p instanceof Boolean b) {
                ps.setBoolean(i + 1, b);
            } else if (p instanceof UUID u) {
                ps.setObject(i + 1, u);
            } else {
                ps.setString(i + 1, (String) p);
            }
        }
    }

    /** A PostgreSQL array literal, every element quoted. */
    static String arrayLiteral(List<String> values) {
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
}
