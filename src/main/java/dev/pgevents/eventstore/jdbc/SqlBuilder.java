package dev.pgevents.eventstore.jdbc;

import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.QueryItem;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** SQL text with its parameters, bound in order. Query predicates never inline values. */
final class SqlBuilder {

    private interface Binder {
        void bind(Connection c, PreparedStatement ps, int index) throws SQLException;
    }

    private final StringBuilder sql = new StringBuilder(256);
    private final List<Binder> params = new ArrayList<>();

    SqlBuilder append(String text) {
        sql.append(text);
        return this;
    }

    SqlBuilder param(long value) {
        params.add((c, ps, i) -> ps.setLong(i, value));
        return this;
    }

    SqlBuilder param(boolean value) {
        params.add((c, ps, i) -> ps.setBoolean(i, value));
        return this;
    }

    SqlBuilder param(Object value) {
        params.add((c, ps, i) -> ps.setObject(i, value));
        return this;
    }

    SqlBuilder param(String value) {
        params.add((c, ps, i) -> ps.setString(i, value));
        return this;
    }

    SqlBuilder arrayParam(String elementType, Object[] values) {
        params.add((c, ps, i) -> ps.setArray(i, c.createArrayOf(elementType, values)));
        return this;
    }

    /**
     * Appends {@code <prefix>(item OR item ...)} for the query over table alias {@code alias};
     * nothing for a query that matches every event. An item is
     * {@code alias.type = ANY(?) AND alias.tags @> ?} (either part left out when its set is empty).
     */
    SqlBuilder predicate(String alias, EventQuery query, String prefix) {
        return predicate(alias, query, prefix, false);
    }

    /**
     * As {@link #predicate(String, EventQuery, String)}; with {@code forGenericPlan} the tag sets
     * are hidden from the planner ({@code alias.tags @> (SELECT ?)}): custom and generic plans
     * then cost the same, so a server-prepared statement settles on its generic plan and is not
     * planned again per execution. Without it, the tag statistics make every custom plan look
     * cheaper, and PostgreSQL plans (and reads the statistics) on every execution. Only for
     * statements whose generic plan is right whatever the tags: no position bounds, no limit.
     */
    SqlBuilder predicate(String alias, EventQuery query, String prefix, boolean forGenericPlan) {
        if (query.matchesAll()) {
            return this;
        }
        sql.append(prefix).append('(');
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
                    param(item.types().iterator().next());
                } else {
                    sql.append(alias).append(".type = ANY(?::text[])");
                    arrayParam("text", item.types().toArray(new String[0]));
                }
                needAnd = true;
            }
            if (!item.tags().isEmpty()) {
                if (needAnd) {
                    sql.append(" AND ");
                }
                sql.append(alias).append(forGenericPlan ? ".tags @> (SELECT ?::text[])" : ".tags @> ?::text[]");
                arrayParam("text", item.tags().toArray(new String[0]));
            }
            sql.append(')');
        }
        sql.append(')');
        return this;
    }

    String sql() {
        return sql.toString();
    }

    void bind(Connection c, PreparedStatement ps) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            params.get(i).bind(c, ps, i + 1);
        }
    }
}
