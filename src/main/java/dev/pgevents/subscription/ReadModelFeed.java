package dev.pgevents.subscription;

import java.util.List;
import java.util.Optional;

/**
 * A read model offered as a live feed of its rows ({@link ReadModelFeeds}): implemented by the
 * application for each read model that has {@code /changes} endpoints. Every method reads the
 * committed rows (in a transaction of its own).
 *
 * @param <R> a row as the read model's GET endpoints return it (serialised with JSON-B)
 */
public interface ReadModelFeed<R> {

    /** The listener that keeps the read model: its committed batches trigger {@link #changedAfter}. */
    String listenerId();

    /** The name of the key in a delete message: {@code {"<keyName>":"<key>"}}. */
    String keyName();

    /** Every row, in the order of the read model's list endpoint. */
    List<Row<R>> rows();

    /** One row, or empty when there is none with this key. */
    Optional<Row<R>> row(String key);

    /**
     * The rows changed by events after {@code position}, in position order; a row whose value is
     * null was deleted.
     */
    List<Row<R>> changedAfter(long position);

    /**
     * A row and the position of the last event applied to it.
     *
     * @param value null for a deleted row
     */
    record Row<R>(String key, R value, long position) {
    }
}
