package dev.pgevents.eventstore.jdbc;

import dev.pgevents.eventstore.AppendCondition;
import dev.pgevents.eventstore.Direction;
import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.EventStream;
import dev.pgevents.eventstore.ReadOptions;
import dev.pgevents.eventstore.ReadResult;
import dev.pgevents.eventstore.StoredEvent;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A read's es_event rows: a cursor that owns its statement, result set and connection, or the rows
 * of a read that one fetch held whole (its connection already given back).
 */
final class JdbcEventStream<T> implements EventStream<T> {

    private final Connection connection;
    private final boolean localTransaction;
    private final PreparedStatement statement;
    private final EventQuery query;
    private final ReadOptions options;
    private final Long cap;
    private final Function<StoredEvent, T> mapper;
    private ResultSet rs;
    private Iterator<StoredEvent> rows;
    private boolean streamed;
    private boolean exhausted;
    private boolean closed;
    private long count;
    private long last = -1;
    private long maxSeen = -1;

    JdbcEventStream(Connection connection, boolean localTransaction, PreparedStatement statement, EventQuery query,
                    ReadOptions options, Long cap, Function<StoredEvent, T> mapper) {
        this.connection = connection;
        this.localTransaction = localTransaction;
        this.statement = statement;
        this.query = query;
        this.options = options;
        this.cap = cap;
        this.mapper = mapper;
    }

    /** The rows of a read that one fetch held whole. */
    JdbcEventStream(List<StoredEvent> rows, EventQuery query, ReadOptions options, Long cap, Function<StoredEvent, T> mapper) {
        this(null, false, null, query, options, cap, mapper);
        this.rows = rows.iterator();
    }

    void start(ResultSet resultSet) {
        this.rs = resultSet;
    }

    @Override
    public Stream<T> stream() {
        if (streamed) {
            throw new IllegalStateException("the stream of this read was already taken");
        }
        if (closed) {
            throw new IllegalStateException("this read is closed");
        }
        streamed = true;
        Spliterator<T> spliterator = new Spliterators.AbstractSpliterator<T>(Long.MAX_VALUE,
                Spliterator.ORDERED | Spliterator.NONNULL) {
            @Override
            public boolean tryAdvance(Consumer<? super T> action) {
                while (true) {
                    StoredEvent raw = next();
                    if (raw == null) {
                        return false;
                    }
                    T mapped = mapper.apply(raw);
                    if (mapped != null) {
                        action.accept(mapped);
                        return true;
                    }
                }
            }
        };
        return StreamSupport.stream(spliterator, false).onClose(this::close);
    }

    private StoredEvent next() {
        if (exhausted) {
            return null;
        }
        if (closed) {
            throw new IllegalStateException("this read is closed");
        }
        StoredEvent raw;
        if (rows != null) {
            raw = rows.hasNext() ? rows.next() : null;
        } else {
            try {
                raw = rs.next() ? row(rs) : null;
            } catch (SQLException e) {
                throw JdbcEventStore.translate(e, "read");
            }
        }
        if (raw == null) {
            exhausted = true;
            return null;
        }
        count++;
        last = raw.position();
        maxSeen = Math.max(maxSeen, last);
        return raw;
    }

    /** The result set's current row. */
    static StoredEvent row(ResultSet rs) throws SQLException {
        Array tagArray = rs.getArray(5);
        Set<String> tags;
        if (tagArray == null) {
            tags = Set.of();
        } else {
            tags = Collections.unmodifiableSet(new LinkedHashSet<>(Arrays.asList((String[]) tagArray.getArray())));
            tagArray.free();
        }
        OffsetDateTime recorded = rs.getObject(8, OffsetDateTime.class);
        return new StoredEvent(rs.getLong(1), rs.getObject(2, UUID.class), rs.getString(3), rs.getInt(4), tags,
                rs.getString(6), rs.getString(7), recorded == null ? null : recorded.toInstant());
    }

    @Override
    public ReadResult result() {
        boolean limitReached = options.limit() > 0 && count == options.limit();
        if (!exhausted && !limitReached) {
            throw new IllegalStateException("the read was not consumed to its end");
        }
        OptionalLong lastPosition = count == 0 ? OptionalLong.empty() : OptionalLong.of(last);
        OptionalLong consistency;
        switch (options.consistency()) {
            case SAFE -> {
                long upper = Math.min(options.to(), cap);
                consistency = OptionalLong.of(options.direction() == Direction.FORWARD && limitReached ? last : upper);
            }
            case LOCKED -> {
                // from(0) reads from the first position as from(1) does: "after" is never below 0
                long upper = options.to() != Long.MAX_VALUE ? options.to() : Math.max(maxSeen, Math.max(0, options.from() - 1));
                consistency = OptionalLong.of(options.direction() == Direction.FORWARD && limitReached ? last : upper);
            }
            default -> consistency = OptionalLong.empty();
        }
        Optional<AppendCondition> condition = consistency.isPresent()
                ? Optional.of(new AppendCondition(query, consistency.getAsLong())) : Optional.empty();
        return new ReadResult(count, lastPosition, consistency, condition);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (rs != null) {
                rs.close();
            }
        } catch (SQLException ignored) {
            // closing anyway
        }
        closeQuietly(statement);
        closeQuietly(connection, localTransaction);
    }

    static void closeQuietly(PreparedStatement statement) {
        try {
            if (statement != null) {
                statement.close();
            }
        } catch (SQLException ignored) {
            // closing anyway
        }
    }

    static void closeQuietly(Connection c, boolean localTransaction) {
        if (c == null) {
            return;
        }
        try {
            if (localTransaction) {
                try {
                    c.rollback(); // read only: nothing to keep; releases a LOCKED read's locks
                } finally {
                    c.setAutoCommit(true);
                }
            }
        } catch (SQLException ignored) {
            // the connection is closed below
        } finally {
            try {
                c.close();
            } catch (SQLException ignored) {
                // nothing more to do
            }
        }
    }
}
