package dev.pgevents.eventstore.jdbc;

import dev.pgevents.eventstore.InvalidAppendException;

/**
 * What {@link dev.pgevents.eventstore.AppendCondition#heldLocks()} carries from a LOCKED read to
 * the append: the transaction that took the condition's exclusive keys (its backend and its start,
 * both fixed for the life of a transaction, the pair unique in practice) and which keys. The
 * append checks the keys here and the transaction in its INSERT (zero rows from any other).
 */
record HeldLocks(int backendPid, long transactionStart, long keysFingerprint) {

    /** The current transaction's identity, as two SQL columns. */
    static final String TRANSACTION_SQL = "pg_backend_pid(), " + HeldLocks.TRANSACTION_START_SQL;
    /** The current transaction's start in microseconds since the epoch. */
    static final String TRANSACTION_START_SQL = "(extract(epoch FROM transaction_timestamp()) * 1000000)::int8";

    String token() {
        return backendPid + ":" + transactionStart + ":" + Long.toHexString(keysFingerprint);
    }

    static HeldLocks parse(String token) {
        String[] parts = token.split(":", -1);
        try {
            if (parts.length == 3) {
                return new HeldLocks(Integer.parseInt(parts[0]), Long.parseLong(parts[1]), Long.parseUnsignedLong(parts[2], 16));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidAppendException("the condition's heldLocks is not a proof this store issued: " + token);
    }
}
