package dev.pgevents.eventstore;

import java.util.List;
import java.util.stream.Stream;

/**
 * A streamed read backed by a database cursor: close it (try-with-resources) to release the
 * statement, result set and connection. {@link #stream()} may be consumed once;
 * {@link #result()} is available once the stream was consumed to its end.
 */
public interface EventStream<T> extends AutoCloseable {

    /** The events, in read order, fetched from the cursor as the stream is consumed. */
    Stream<T> stream();

    /** Consumes the rest of the stream into a list (for small reads). */
    default List<T> toList() {
        return stream().toList();
    }

    /** Count, last position and consistency position; throws IllegalStateException before the end. */
    ReadResult result();

    @Override
    void close();
}
