package dev.pgevents.it.fault;

import dev.pgevents.devdb.PostgresServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks the application's database from outside, with plain JDBC: the events in {@code es_event}
 * against the commands the clients saw acknowledged, and the courses read models
 * ({@code course_view}, {@code student_view}) against a fold of the events written here, not
 * borrowed from the application.
 */
final class StoreAudit {

    record StoredEvent(long position, String type, Map<String, String> fields) {
        String key() {
            return Command.eventKey(type, fields);
        }
    }

    record CourseRow(String name, int capacity, int subscribers, boolean closed) {
    }

    record StudentRow(String name, Set<String> courses) {
    }

    record ReadModels(Map<String, CourseRow> courses, Map<String, StudentRow> students) {
    }

    /** Acknowledged commands whose event is not stored at their Event-Position; events stored more than once. */
    record CommandCheck(List<String> lost, List<String> doubled) {
    }

    private final PostgresServer server;
    private final String database;

    StoreAudit(PostgresServer server, String database) {
        this.server = server;
        this.database = database;
    }

    List<StoredEvent> events() {
        List<StoredEvent> events = new ArrayList<>();
        query("SELECT position, type, payload::text FROM es_event ORDER BY position", rs -> {
            String type = rs.getString(2);
            events.add(new StoredEvent(rs.getLong(1), type.substring(type.lastIndexOf('.') + 1), fields(rs.getString(3))));
        });
        return events;
    }

    long head() {
        long[] head = {0};
        query("SELECT coalesce(max(position), 0) FROM es_event", rs -> head[0] = rs.getLong(1));
        return head[0];
    }

    /** Checkpoint of every listener ({@code es_listener}). */
    Map<String, Long> listenerPositions() {
        Map<String, Long> positions = new TreeMap<>();
        query("SELECT listener_id, position FROM es_listener", rs -> positions.put(rs.getString(1), rs.getLong(2)));
        return positions;
    }

    /**
     * Polls the checkpoints (on one connection, as fast as it answers) until one listener is
     * strictly between {@code low} and {@code high}: a rebuild caught running. Empty when every
     * listener reached {@code high} first.
     */
    Optional<Map<String, Long>> awaitCheckpointBetween(long low, long high, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String sql = "SELECT listener_id, position FROM es_listener";
        try (Connection c = server.connect(database); var s = c.prepareStatement(sql)) {
            while (System.nanoTime() < deadline) {
                Map<String, Long> positions = new TreeMap<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        positions.put(rs.getString(1), rs.getLong(2));
                    }
                }
                if (positions.values().stream().anyMatch(p -> p > low && p < high)) {
                    return Optional.of(positions);
                }
                if (positions.values().stream().allMatch(p -> p >= high)) {
                    return Optional.empty();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " failed: " + e.getMessage(), e);
        }
        throw new AssertionError("no listener checkpoint moved past " + low + " within " + timeout.toSeconds()
                + " s after the reset: " + listenerPositions());
    }

    static CommandCheck checkCommands(List<Outcome> outcomes, List<StoredEvent> events) {
        Map<String, List<Long>> positionsByKey = new HashMap<>();
        for (StoredEvent e : events) {
            positionsByKey.computeIfAbsent(e.key(), k -> new ArrayList<>()).add(e.position());
        }
        List<String> lost = new ArrayList<>();
        for (Outcome o : outcomes) {
            if (o.acknowledged()) {
                List<Long> stored = positionsByKey.getOrDefault(o.command().eventKey(), List.of());
                if (!stored.contains(o.eventPosition())) {
                    lost.add(o.command() + " acknowledged at position " + o.eventPosition() + ", its event "
                            + o.command().eventKey() + " is stored at " + stored);
                }
            }
        }
        List<String> doubled = new ArrayList<>();
        positionsByKey.forEach((key, positions) -> {
            if (positions.size() > 1) {
                doubled.add(key + " stored at positions " + positions);
            }
        });
        return new CommandCheck(lost, doubled);
    }

    /** The read models as the events say they must be. */
    static ReadModels fold(List<StoredEvent> events) {
        Map<String, CourseRow> courses = new TreeMap<>();
        Map<String, StudentRow> students = new TreeMap<>();
        for (StoredEvent e : events) {
            Map<String, String> f = e.fields();
            String course = f.get("courseId");
            String student = f.get("studentId");
            switch (e.type()) {
                case "CourseDefined" -> courses.put(course,
                        new CourseRow(f.get("name"), Integer.parseInt(f.get("capacity")), 0, false));
                case "CourseRenamed" -> courses.computeIfPresent(course,
                        (k, c) -> new CourseRow(f.get("name"), c.capacity(), c.subscribers(), c.closed()));
                case "CourseCapacityChanged" -> courses.computeIfPresent(course,
                        (k, c) -> new CourseRow(c.name(), Integer.parseInt(f.get("capacity")), c.subscribers(), c.closed()));
                case "CourseClosed" -> courses.computeIfPresent(course,
                        (k, c) -> new CourseRow(c.name(), c.capacity(), c.subscribers(), true));
                case "StudentRegistered" -> students.put(student, new StudentRow(f.get("name"), new TreeSet<>()));
                case "StudentSubscribed" -> {
                    courses.computeIfPresent(course, (k, c) -> new CourseRow(c.name(), c.capacity(), c.subscribers() + 1, c.closed()));
                    students.computeIfPresent(student, (k, s) -> {
                        s.courses().add(course);
                        return s;
                    });
                }
                case "StudentUnsubscribed" -> {
                    courses.computeIfPresent(course, (k, c) -> new CourseRow(c.name(), c.capacity(), c.subscribers() - 1, c.closed()));
                    students.computeIfPresent(student, (k, s) -> {
                        s.courses().remove(course);
                        return s;
                    });
                }
                default -> throw new AssertionError("event type the fold does not know: " + e);
            }
        }
        return new ReadModels(courses, students);
    }

    ReadModels readModels() {
        Map<String, CourseRow> courses = new TreeMap<>();
        query("SELECT course_id, name, capacity, subscribers, closed FROM course_view", rs -> courses.put(rs.getString(1),
                new CourseRow(rs.getString(2), rs.getInt(3), rs.getInt(4), rs.getBoolean(5))));
        Map<String, StudentRow> students = new TreeMap<>();
        query("SELECT student_id, name FROM student_view", rs -> students.put(rs.getString(1),
                new StudentRow(rs.getString(2), new TreeSet<>())));
        query("SELECT student_id, course_id FROM student_view_course", rs -> students.computeIfAbsent(rs.getString(1),
                id -> new StudentRow("(no student_view row)", new TreeSet<>())).courses().add(rs.getString(2)));
        return new ReadModels(courses, students);
    }

    /** Every difference, as "what: expected ... read model ...". */
    static List<String> diff(ReadModels expected, ReadModels actual) {
        List<String> diff = new ArrayList<>();
        diffRows("course", expected.courses(), actual.courses(), diff);
        diffRows("student", expected.students(), actual.students(), diff);
        return diff;
    }

    private static <R> void diffRows(String what, Map<String, R> expected, Map<String, R> actual, List<String> diff) {
        Set<String> ids = new TreeSet<>(expected.keySet());
        ids.addAll(actual.keySet());
        for (String id : ids) {
            R e = expected.get(id);
            R a = actual.get(id);
            if (e == null ? a != null : !e.equals(a)) {
                diff.add(what + " " + id + ": events say " + e + ", read model has " + a);
            }
        }
    }

    /**
     * Polls until the read models equal the fold of all events (which must no longer change), or
     * fails with the differences when the deadline passes.
     */
    Duration awaitConverged(Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        List<String> diff;
        do {
            diff = diff(fold(events()), readModels());
            if (diff.isEmpty()) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            Waits.pause(Duration.ofMillis(250));
        } while (System.nanoTime() < deadline);
        throw new AssertionError("read models did not converge to the fold of the events within " + timeout.toSeconds()
                + " s: " + diff.size() + " differences, listeners at " + listenerPositions() + ", head " + head()
                + ", first ones:\n  " + String.join("\n  ", diff.subList(0, Math.min(20, diff.size()))));
    }

    private static Map<String, String> fields(String payload) {
        Map<String, String> fields = new LinkedHashMap<>();
        try (var reader = Json.createReader(new StringReader(payload))) {
            JsonObject json = reader.readObject();
            json.forEach((k, v) -> fields.put(k, v instanceof JsonString s ? s.getString() : v.toString()));
        }
        return fields;
    }

    private interface RowHandler {
        void row(ResultSet rs) throws SQLException;
    }

    private void query(String sql, RowHandler handler) {
        try (Connection c = server.connect(database); var s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                handler.row(rs);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " failed on " + server + "/" + database + ": " + e.getMessage(), e);
        }
    }
}
