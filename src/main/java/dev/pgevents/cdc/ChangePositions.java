package dev.pgevents.cdc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Read-your-writes over CDC: the position a write answers with ({@code Change-Position}), and the
 * position an operator has reached.
 */
public final class ChangePositions {

    private ChangePositions() {
    }

    /**
     * The WAL position after everything this session committed: the current WAL insert position
     * (the write position lags it under asynchronous commit), moved back over a page header when it
     * points just past one, as the end of the last WAL record does not include the next page's
     * header: a wait for it would otherwise last until the next write.
     */
    public static long current(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT CASE WHEN l % seg = 40 THEN l - 40 WHEN l % blk = 24 THEN l - 24 ELSE l END FROM ("
                        + "SELECT (pg_current_wal_insert_lsn() - '0/0')::bigint AS l,"
                        + " current_setting('wal_block_size')::bigint AS blk,"
                        + " pg_size_bytes(current_setting('wal_segment_size')) AS seg) AS x")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * The LSN up to which the operator has handled every source transaction (-1 for an unknown
     * operator), whichever node reads the slot.
     */
    public static long reached(Connection c, String operator, String slot) throws SQLException {
        return OperatorTables.position(c, operator, slot);
    }
}
