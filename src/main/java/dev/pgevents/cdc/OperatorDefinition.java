package dev.pgevents.cdc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An operator: the tables and operations it watches, how a source row maps to the key of the
 * target row (one column per source table), and what runs for each key a change touches: an SQL
 * statement whose only parameter is the key (an upsert or MERGE recomputing the target row from
 * the source tables), or a Java {@link ChangeHandler}. A delete in a "delete with" table deletes
 * the target row instead. An update that changes the key column runs for the old and the new key.
 *
 * <pre>
 * OperatorDefinition.named("post-with-comments-count")
 *     .target("post_with_comments_count", "id")
 *     .key("post", "id").key("comment", "post_id")
 *     .deleteWith("post")
 *     .sql("INSERT INTO post_with_comments_count ... WHERE p.id = ? ON CONFLICT (id) DO UPDATE ...");
 * </pre>
 */
public record OperatorDefinition(String name, String targetTable, String targetKey, Map<String, String> keys,
                                 Set<Operation> operations, Set<String> deleteWith, ChangeHandler handler) {

    private static final String IDENTIFIER = "[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?";

    public OperatorDefinition {
        Objects.requireNonNull(handler, "handler");
        if (name == null || !name.matches("[a-z0-9][a-z0-9-]{0,99}")) {
            throw new IllegalArgumentException("an operator name is 1 to 100 lower-case letters, digits and '-': " + name);
        }
        if (targetKey == null || !targetKey.matches(IDENTIFIER)) {
            throw new IllegalArgumentException("operator " + name + ": not a plain column name: " + targetKey);
        }
        for (String table : concat(keys.keySet(), List.of(targetTable))) {
            if (!table.matches(IDENTIFIER)) {
                throw new IllegalArgumentException("operator " + name + ": not a plain table name: " + table);
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("operator " + name + " watches no table");
        }
        if (!keys.keySet().containsAll(deleteWith)) {
            throw new IllegalArgumentException("operator " + name + ": a 'delete with' table must be watched");
        }
        keys = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
        operations = Collections.unmodifiableSet(EnumSet.copyOf(operations));
        deleteWith = Set.copyOf(deleteWith);
    }

    private static List<String> concat(Iterable<String> a, List<String> b) {
        List<String> all = new ArrayList<>(b);
        a.forEach(all::add);
        return all;
    }

    public static Builder named(String name) {
        return new Builder(name);
    }

    /** Whether the change is one this operator acts on. */
    public boolean watches(ChangeEvent change) {
        return keys.containsKey(change.table()) && operations.contains(change.operation());
    }

    /**
     * Runs the operator for one change: the handler for each target key the change touches (old
     * and new key of an update that moved the row), or the delete of the target row for a delete
     * in a "delete with" table. A NULL key touches nothing.
     */
    void apply(Connection connection, ChangeEvent change) throws SQLException {
        String column = keys.get(change.table());
        Object newKey = change.newRow().get(column);
        Object oldKey = change.oldRow().get(column);
        boolean deletes = deleteWith.contains(change.table());
        switch (change.operation()) {
            case INSERT -> run(connection, change, newKey);
            case DELETE -> {
                if (deletes) {
                    deleteTarget(connection, oldKey);
                } else {
                    run(connection, change, oldKey);
                }
            }
            case UPDATE -> {
                if (!change.oldRow().isEmpty() && !Objects.equals(oldKey, newKey)) {
                    if (deletes) {
                        deleteTarget(connection, oldKey);
                    } else {
                        run(connection, change, oldKey);
                    }
                }
                run(connection, change, newKey);
            }
        }
    }

    private void run(Connection connection, ChangeEvent change, Object key) throws SQLException {
        if (key != null) {
            handler.apply(connection, change, key);
        }
    }

    private void deleteTarget(Connection connection, Object key) throws SQLException {
        if (key != null) {
            try (PreparedStatement s = connection.prepareStatement(
                    "DELETE FROM " + targetTable + " WHERE " + targetKey + " = ?")) {
                s.setObject(1, key);
                s.executeUpdate();
            }
        }
    }

    /** Builds an operator definition; {@link #sql} or {@link #handler} ends it. */
    public static final class Builder {
        private final String name;
        private String targetTable;
        private String targetKey;
        private final Map<String, String> keys = new LinkedHashMap<>();
        private final Set<Operation> operations = EnumSet.allOf(Operation.class);
        private final Set<String> deleteWith = new LinkedHashSet<>();

        private Builder(String name) {
            this.name = name;
        }

        /** The derived table and its key column (the "delete with" deletes use them). */
        public Builder target(String table, String keyColumn) {
            this.targetTable = table;
            this.targetKey = keyColumn;
            return this;
        }

        /** A watched table, and its column holding the target row's key. */
        public Builder key(String sourceTable, String column) {
            keys.put(sourceTable, column);
            return this;
        }

        /** Only these operations (default: all). */
        public Builder on(Operation first, Operation... more) {
            operations.clear();
            operations.add(first);
            operations.addAll(List.of(more));
            return this;
        }

        /** Tables whose row delete deletes the target row with the same key. */
        public Builder deleteWith(String... tables) {
            deleteWith.addAll(List.of(tables));
            return this;
        }

        /** Runs the statement with the target key as its only parameter ({@code ?}). */
        public OperatorDefinition sql(String statement) {
            return handler((connection, change, key) -> {
                try (PreparedStatement s = connection.prepareStatement(statement)) {
                    s.setObject(1, key);
                    s.execute();
                }
            });
        }

        public OperatorDefinition handler(ChangeHandler handler) {
            Objects.requireNonNull(targetTable, "target table");
            return new OperatorDefinition(name, targetTable, targetKey, keys, operations, deleteWith, handler);
        }
    }
}
