package dev.pgevents.it.cdc;

import dev.pgevents.devdb.PostgresServer;
import dev.pgevents.it.Await;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The posts example's tables seen by JDBC, from outside the application: the source tables
 * ({@code post}, {@code comment}), the operator's table ({@code post_with_comments_count}), its
 * recomputation from the sources, and the replication slot as PostgreSQL reports it.
 */
final class PostsDatabase {

    /** What the operator must maintain: one row per post, its comments counted. */
    private static final String RECOMPUTED = """
            SELECT p.id, p.title, p.body, (SELECT count(*) FROM comment c WHERE c.post_id = p.id)
            FROM post p ORDER BY p.id""";
    private static final String DERIVED = "SELECT id, title, body, comments_count FROM post_with_comments_count ORDER BY id";

    /** The slot as pg_replication_slots shows it; LSNs as numbers, -1 when null. */
    record Slot(long confirmedFlushLsn, Integer activePid, long retainedWalBytes) {
    }

    private final PostgresServer server;
    private final String database;

    PostsDatabase(PostgresServer server, String database) {
        this.server = server;
        this.database = database;
    }

    Connection connect() throws SQLException {
        return server.connect(database);
    }

    /** pg_current_wal_lsn() as a number: an upper bound of every commit so far. */
    long currentLsn() {
        return queryLong("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn");
    }

    Slot slot(String name) {
        try (Connection c = connect(); var s = c.prepareStatement("""
                SELECT coalesce(confirmed_flush_lsn - '0/0'::pg_lsn, -1), active_pid,
                       pg_current_wal_lsn() - restart_lsn FROM pg_replication_slots WHERE slot_name = ?""")) {
            s.setString(1, name);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new AssertionError("no replication slot " + name);
                }
                int pid = rs.getInt(2);
                return new Slot(rs.getLong(1), rs.wasNull() ? null : pid, rs.getLong(3));
            }
        } catch (SQLException e) {
            throw new AssertionError("could not read slot " + name + ": " + e.getMessage(), e);
        }
    }

    /** The rows of post_with_comments_count, one line each. */
    List<String> derivedRows() {
        return rows(DERIVED);
    }

    /** The same rows recomputed from post and comment. */
    List<String> recomputedRows() {
        return rows(RECOMPUTED);
    }

    long count(String table) {
        return queryLong("SELECT count(*) FROM " + table);
    }

    /** Waits until the derived table equals its recomputation (the operator caught up). */
    void awaitDerivedEqualsRecomputed(Duration timeout) {
        Await.until("post_with_comments_count to equal its recomputation from post and comment", timeout,
                () -> derivedRows().equals(recomputedRows()));
    }

    /** The first differences between derived and recomputed rows, for a failure message. */
    String differences() {
        List<String> derived = derivedRows();
        List<String> recomputed = recomputedRows();
        List<String> missing = new ArrayList<>(recomputed);
        missing.removeAll(derived);
        List<String> extra = new ArrayList<>(derived);
        extra.removeAll(recomputed);
        return derived.size() + " derived rows, " + recomputed.size() + " recomputed; missing or wrong "
                + missing.stream().limit(5).toList() + ", extra or wrong " + extra.stream().limit(5).toList();
    }

    void execute(String sql) {
        try (Connection c = connect(); var s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new AssertionError(sql + ": " + e.getMessage(), e);
        }
    }

    long queryLong(String sql) {
        try (Connection c = connect(); var s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new AssertionError(sql + ": " + e.getMessage(), e);
        }
    }

    private List<String> rows(String sql) {
        try (Connection c = connect(); var s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                String body = rs.getString(3);
                // a TOAST-sized body is compared by length and hash, to keep messages short
                String shownBody = body == null ? "null" : body.length() > 40 ? body.length() + "#" + body.hashCode() : body;
                rows.add(rs.getLong(1) + "|" + rs.getString(2) + "|" + shownBody + "|" + rs.getLong(4));
            }
            return rows;
        } catch (SQLException e) {
            throw new AssertionError(sql + ": " + e.getMessage(), e);
        }
    }
}
