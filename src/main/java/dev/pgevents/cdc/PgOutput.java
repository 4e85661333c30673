package dev.pgevents.cdc;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes the messages of PostgreSQL's built-in logical decoding plugin {@code pgoutput}, protocol
 * version 1 (values in text form). Keeps the relations the server described, as the protocol
 * sends a relation once and then refers to it by id.
 */
final class PgOutput {

    /** Microseconds between the Unix epoch and PostgreSQL's epoch, 2000-01-01. */
    private static final long PG_EPOCH_MICROS = 946_684_800_000_000L;

    sealed interface Message {
    }

    /** A transaction starts; its changes follow, then {@link Commit}. */
    record Begin(long commitLsn, Instant commitTime, int xid) implements Message {
    }

    /** @param endLsn the end of the commit record: the transaction's position */
    record Commit(long commitLsn, long endLsn, Instant commitTime) implements Message {
    }

    /** A row change; rows are column name to typed value, {@code unchanged} the TOAST columns sent as "unchanged". */
    record RowChange(String table, Operation operation, Map<String, Object> newRow, Map<String, Object> oldRow,
                     List<String> unchanged) implements Message {
    }

    /** Relation and type descriptions, origins, truncations: nothing an operator acts on. */
    record Other(char kind) implements Message {
    }

    private record Column(String name, int typeOid) {
    }

    private record Relation(String table, List<Column> columns) {
    }

    private final Map<Integer, Relation> relations = new HashMap<>();

    Message decode(ByteBuffer buffer) {
        char kind = (char) buffer.get();
        return switch (kind) {
            case 'B' -> new Begin(buffer.getLong(), time(buffer.getLong()), buffer.getInt());
            case 'C' -> {
                buffer.get(); // flags, unused
                yield new Commit(buffer.getLong(), buffer.getLong(), time(buffer.getLong()));
            }
            case 'R' -> {
                relation(buffer);
                yield new Other(kind);
            }
            case 'I' -> {
                Relation r = relation(buffer.getInt());
                expect(buffer, 'N');
                Row row = tuple(buffer, r);
                yield new RowChange(r.table(), Operation.INSERT, row.values(), Map.of(), List.of());
            }
            case 'U' -> {
                Relation r = relation(buffer.getInt());
                Map<String, Object> old = Map.of();
                char part = (char) buffer.get();
                if (part == 'K' || part == 'O') {
                    old = tuple(buffer, r).values();
                    part = (char) buffer.get();
                }
                if (part != 'N') {
                    throw new IllegalStateException("pgoutput update without a new tuple: '" + part + "'");
                }
                Row row = tuple(buffer, r);
                yield new RowChange(r.table(), Operation.UPDATE, row.values(), old, row.unchanged());
            }
            case 'D' -> {
                Relation r = relation(buffer.getInt());
                char part = (char) buffer.get();
                if (part != 'K' && part != 'O') {
                    throw new IllegalStateException("pgoutput delete without an old tuple: '" + part + "'");
                }
                yield new RowChange(r.table(), Operation.DELETE, Map.of(), tuple(buffer, r).values(), List.of());
            }
            default -> new Other(kind); // 'O' origin, 'Y' type, 'T' truncate, 'M' message
        };
    }

    private void relation(ByteBuffer buffer) {
        int id = buffer.getInt();
        String namespace = string(buffer);
        String name = string(buffer);
        buffer.get(); // replica identity setting
        int count = buffer.getShort();
        List<Column> columns = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            buffer.get(); // flags: part of the key
            String column = string(buffer);
            int type = buffer.getInt();
            buffer.getInt(); // type modifier
            columns.add(new Column(column, type));
        }
        relations.put(id, new Relation(namespace.equals("public") ? name : namespace + "." + name, List.copyOf(columns)));
    }

    private Relation relation(int id) {
        Relation r = relations.get(id);
        if (r == null) {
            throw new IllegalStateException("pgoutput change of relation " + id + " before its description");
        }
        return r;
    }

    private record Row(Map<String, Object> values, List<String> unchanged) {
    }

    private static Row tuple(ByteBuffer buffer, Relation relation) {
        int count = buffer.getShort();
        Map<String, Object> values = new LinkedHashMap<>();
        List<String> unchanged = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Column column = relation.columns().get(i);
            char kind = (char) buffer.get();
            switch (kind) {
                case 'n' -> values.put(column.name(), null);
                case 'u' -> unchanged.add(column.name());
                case 't' -> {
                    byte[] bytes = new byte[buffer.getInt()];
                    buffer.get(bytes);
                    values.put(column.name(), ColumnValues.typed(column.typeOid(), new String(bytes, StandardCharsets.UTF_8)));
                }
                default -> throw new IllegalStateException("pgoutput column value of kind '" + kind + "'");
            }
        }
        return new Row(Collections.unmodifiableMap(values), List.copyOf(unchanged));
    }

    private static void expect(ByteBuffer buffer, char part) {
        char found = (char) buffer.get();
        if (found != part) {
            throw new IllegalStateException("pgoutput tuple '" + part + "' expected, found '" + found + "'");
        }
    }

    private static String string(ByteBuffer buffer) {
        int start = buffer.position();
        int end = start;
        while (buffer.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - start];
        buffer.get(bytes);
        buffer.get(); // the terminating zero
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static Instant time(long pgMicros) {
        long micros = pgMicros + PG_EPOCH_MICROS;
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
    }
}
