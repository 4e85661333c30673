package dev.pgevents.eventstore;

import java.util.List;
import java.util.function.Consumer;

/**
 * The event store. Each operation uses a connection of the current transaction when there is
 * one (JTA: every getConnection() of a transaction is the same enlisted connection), else
 * transactions of its own.
 */
public interface EventStore {

    /**
     * Appends the events (in order, consecutive to each other only if no other writer interleaves)
     * if no event matching the condition's query was appended after its position; otherwise throws
     * {@link AppendConditionFailed} and appends nothing.
     */
    List<AppendedEvent> append(List<NewEvent> events, AppendCondition condition);

    /**
     * Appends the events if every condition holds, each with its own position (a decision whose
     * states are known up to different positions); otherwise throws {@link AppendConditionFailed}
     * and appends nothing. One check and one set of locks, as for a single condition. A null or
     * empty list, or a null condition in it: {@link InvalidInputException}.
     */
    List<AppendedEvent> appendWithConditions(List<NewEvent> events, List<AppendCondition> conditions);

    /** Appends facts that need no decision (still ordered against conditions that match them). */
    List<AppendedEvent> append(List<NewEvent> events);

    /**
     * Appends events given as stored (type and tags as strings, JSON text), by the same statement
     * and lock protocol as {@link #append(List, AppendCondition)}; a null condition appends
     * unconditionally. An event of a type this application registered must carry a payload its
     * class reads ({@link InvalidInputException} otherwise); the returned events carry that Java
     * event, or null for types no class describes.
     */
    List<AppendedEvent> appendRaw(List<RawEvent> events, AppendCondition condition);

    /** Streams deserialized events matching the query. Close the stream. */
    EventStream<RecordedEvent> read(EventQuery query, ReadOptions options);

    /** Streams raw events (JSON text) matching the query. Close the stream. */
    EventStream<StoredEvent> readRaw(EventQuery query, ReadOptions options);

    /** Callback form of {@link #read}: the stream is closed when this returns. */
    default ReadResult read(EventQuery query, ReadOptions options, Consumer<RecordedEvent> each) {
        try (EventStream<RecordedEvent> s = read(query, options)) {
            s.stream().forEach(each);
            return s.result();
        }
    }

    /**
     * The highest position at or below which every event is committed or never will be: a
     * listener or reader may advance up to it without skipping an event that commits later.
     */
    long safePosition();

    /**
     * The safe position for one query: every event MATCHING the query at or below it is committed
     * or never will be. Only in-flight writers of matching events hold it back, so readers of
     * disjoint queries do not lag behind each other. SAFE reads are capped at this position.
     */
    long safePosition(EventQuery query);

    EventTypeRegistry registry();
}
