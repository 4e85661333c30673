package dev.pgevents.processor;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.stream.JsonParsingException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * Enqueues tasks. The insert runs on a connection of the given data source, so on the JTA data
 * source it joins the caller's transaction: a listener's or decision's task commits (or rolls
 * back) with the rest of its work. Idempotent on (type, triggering position): enqueueing the same
 * pair again, in the same transaction or any later one, changes nothing.
 */
public final class TaskQueue {

    private final DataSource dataSource;
    private final Consumer<String> enqueued;

    /**
     * @param dataSource the application's (JTA) data source
     * @param enqueued   called with the type, inside the transaction, after a new task was inserted
     *                   (the application wakes its workers when that transaction commits)
     */
    public TaskQueue(DataSource dataSource, Consumer<String> enqueued) {
        this.dataSource = dataSource;
        this.enqueued = enqueued;
    }

    /**
     * Adds a task unless one of this type for this position exists.
     *
     * @param type               the handler's type, 1 to 200 characters
     * @param arguments          a JSON document (text)
     * @param triggeringPosition the position of the event that caused the task, from 0
     * @return true if the task is new, false if it existed already
     * @throws InvalidTaskException for a blank or too long type, arguments that are not JSON, or
     *                              a negative position (nothing is written)
     */
    public boolean enqueue(String type, String arguments, long triggeringPosition) {
        validate(type, arguments, triggeringPosition);
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO es_task (type, arguments, triggering_position)"
                     + " VALUES (?, ?::jsonb, ?) ON CONFLICT (type, triggering_position) DO NOTHING")) {
            ps.setString(1, type);
            ps.setString(2, arguments);
            ps.setLong(3, triggeringPosition);
            boolean inserted = ps.executeUpdate() == 1;
            if (inserted) {
                enqueued.accept(type);
            }
            return inserted;
        } catch (SQLException e) {
            throw new IllegalStateException("could not enqueue a task of type " + type + ": " + e.getMessage(), e);
        }
    }

    static void validate(String type, String arguments, long triggeringPosition) {
        if (type == null || type.isBlank() || type.length() > 200) {
            throw new InvalidTaskException("a task type has 1 to 200 characters and is not blank");
        }
        if (triggeringPosition < 0) {
            throw new InvalidTaskException("a triggering position is a whole number from 0, not " + triggeringPosition);
        }
        if (arguments == null) {
            throw new InvalidTaskException("task arguments are a JSON document, not null");
        }
        try (var parser = Json.createParser(new StringReader(arguments))) {
            parser.next();
            parser.getValue();
            if (parser.hasNext()) {
                throw new InvalidTaskException("task arguments are one JSON document, with nothing after it");
            }
        } catch (JsonParsingException e) {
            throw new InvalidTaskException("task arguments are not JSON: " + e.getMessage());
        } catch (JsonException e) {
            throw new InvalidTaskException("task arguments are not one JSON document: " + e.getMessage());
        }
    }
}
