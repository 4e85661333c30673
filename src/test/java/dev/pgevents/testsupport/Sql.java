package dev.pgevents.testsupport;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Small unchecked JDBC helpers for test assertions. */
public final class Sql {

    private Sql() {
    }

    /**
     * Appended to an {@code INSERT INTO es_event ... SELECT ...} of a test: takes the writer's
     * watermark mark and sets the protocol marker es_event requires, once per statement (no keys).
     */
    public static final String PROTOCOL = " WHERE (SELECT es_lock_keys('{}', '{}', '{}', true)::text) = ''";

    public static void exec(DataSource ds, String sql, Object... params) {
        try (Connection c = ds.getConnection()) {
            exec(c, sql, params);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    public static void exec(Connection c, String sql, Object... params) {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            ps.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    public static long queryLong(DataSource ds, String sql, Object... params) {
        try (Connection c = ds.getConnection()) {
            return queryLong(c, sql, params);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    public static long queryLong(Connection c, String sql, Object... params) {
        List<String> rows = queryStrings(c, sql, params);
        if (rows.size() != 1 || rows.get(0) == null) {
            throw new IllegalStateException(sql + " returned " + rows);
        }
        return Long.parseLong(rows.get(0));
    }

    public static List<String> queryStrings(DataSource ds, String sql, Object... params) {
        try (Connection c = ds.getConnection()) {
            return queryStrings(c, sql, params);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** First column of every row, as text. */
    public static List<String> queryStrings(Connection c, String sql, Object... params) {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    private static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i]);
        }
    }
}
