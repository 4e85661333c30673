package dev.pgevents.eventstore;

import dev.pgevents.eventstore.jdbc.AppendProtocol;
import dev.pgevents.testsupport.Sql;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * Events with a schema history, their upcasters, and SQL that stores old payloads as an older
 * release of the application would have.
 * <ul>
 *   <li>{@code SeatReserved} version 3. Version 1 was stored as {@code SeatBooked}
 *       {@code {"courseId","studentId"}}; version 2 added {@code seats} (default 1); version 3
 *       renamed the type and the fields {@code courseId}, {@code studentId} to {@code course},
 *       {@code student}.</li>
 *   <li>{@code Priced} version 2 (annotated with a version only: the simple class name stays the
 *       type name). Version 1 held {@code euros}, version 2 holds {@code cents}.</li>
 * </ul>
 */
public final class VersionedEvents {

    private VersionedEvents() {
    }

    @EventType(value = "SeatReserved", version = 3)
    public record SeatReserved(@Tag("course") String course, @Tag("student") String student, int seats) implements Event {
    }

    @EventType(version = 2)
    public record Priced(@Tag("item") String item, long cents) implements Event {
    }

    public static final Upcaster SEATS_ADDED = Upcaster.of("SeatBooked", 1,
            p -> Json.createObjectBuilder(p).add("seats", 1).build());

    public static final Upcaster RENAMED = Upcaster.renaming("SeatBooked", 2, "SeatReserved",
            p -> Json.createObjectBuilder().add("course", p.getString("courseId")).add("student", p.getString("studentId"))
                    .add("seats", p.getInt("seats")).build());

    public static final Upcaster EUROS_TO_CENTS = Upcaster.of("Priced", 1,
            p -> Json.createObjectBuilder().add("item", p.getString("item"))
                    .add("cents", p.getJsonNumber("euros").bigDecimalValue().movePointRight(2).longValueExact()).build());

    /** Upcasters first, then the classes: a class's registration checks its chain. */
    public static EventTypeRegistry registry() {
        return new EventTypeRegistry().register(SEATS_ADDED).register(RENAMED).register(EUROS_TO_CENTS)
                .register(SeatReserved.class).register(Priced.class);
    }

    /** The stored JSON of a payload object. */
    public static String json(JsonObject payload) {
        return payload.toString();
    }

    /**
     * Stores one event as an SQL writer does (the writer's keys and mark first, V7's trigger checks
     * them) and commits; returns its position.
     */
    public static long store(DataSource ds, String type, int version, String payload, String... tags) {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            long position = store(c, type, version, payload, tags);
            c.commit();
            return position;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** As {@link #store(DataSource, String, int, String, String...)}, in the caller's transaction. */
    public static long store(Connection c, String type, int version, String payload, String... tags) {
        Sql.queryStrings(c, AppendProtocol.writerLockStatement(List.of(type), Arrays.asList(tags)));
        String tagArray = Arrays.stream(tags).map(t -> '"' + t + '"').collect(Collectors.joining(",", "{", "}"));
        return Sql.queryLong(c, "INSERT INTO es_event (event_id, type, type_version, tags, payload)"
                + " VALUES (gen_random_uuid(), ?, ?, ?::text[], ?::jsonb) RETURNING position", type, version, tagArray, payload);
    }

    /** A version 1 {@code SeatBooked} payload. */
    public static String seatBookedV1(String course, String student) {
        return json(Json.createObjectBuilder().add("courseId", course).add("studentId", student).build());
    }

    /** A version 2 {@code SeatBooked} payload. */
    public static String seatBookedV2(String course, String student, int seats) {
        return json(Json.createObjectBuilder().add("courseId", course).add("studentId", student).add("seats", seats).build());
    }
}
