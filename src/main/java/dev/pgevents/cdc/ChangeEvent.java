package dev.pgevents.cdc;

import java.time.Instant;
import java.util.Map;

/**
 * One row change read from the write-ahead log.
 *
 * @param table     the table's name, schema-qualified unless it is in {@code public}
 * @param operation insert, update or delete
 * @param newRow    the row after an insert or update (column name to typed value, in column
 *                  order); empty for a delete. A TOAST value the update did not change is taken
 *                  from the old row
 * @param oldRow    the row before an update or delete (tables with REPLICA IDENTITY FULL, which
 *                  the CDC runtime sets on every table it watches); empty for an insert
 * @param changes   for an update, the columns whose value changed, with old and new value
 * @param commitTime when the source transaction committed
 * @param lsn       the end LSN of the source transaction's commit: every change of a transaction
 *                  has the same, and they grow with commit order
 * @param ordinal   the change's place in its transaction, from 0
 */
public record ChangeEvent(String table, Operation operation, Map<String, Object> newRow, Map<String, Object> oldRow,
                          Map<String, Change> changes, Instant commitTime, long lsn, int ordinal) {

    /** A changed column's value before and after an update. */
    public record Change(Object oldValue, Object newValue) {
    }

    /** The row this change leaves (insert, update), else the row it removed (delete). */
    public Map<String, Object> row() {
        return operation == Operation.DELETE ? oldRow : newRow;
    }
}
