package dev.pgevents.courses;

import dev.pgevents.cdc.ChangeOperator;
import dev.pgevents.cdc.OperatorDefinition;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * A CDC operator over one of our own read-model tables: {@code course_occupancy} (free places,
 * full or not) derived from every change of {@code course_view}, which the course-catalog listener
 * keeps. A course row deleted (a listener reset) deletes its occupancy row.
 */
@ApplicationScoped
public class CourseOccupancy implements ChangeOperator {

    public static final String NAME = "course-occupancy";

    static final OperatorDefinition DEFINITION = OperatorDefinition.named(NAME)
            .target("course_occupancy", "course_id")
            .key("course_view", "course_id")
            .deleteWith("course_view")
            .sql("""
                    INSERT INTO course_occupancy (course_id, name, capacity, subscribers, free_places, is_full)
                    SELECT course_id, name, capacity, subscribers, greatest(capacity - subscribers, 0), subscribers >= capacity
                    FROM course_view WHERE course_id = ?
                    ON CONFLICT (course_id) DO UPDATE SET name = excluded.name, capacity = excluded.capacity,
                        subscribers = excluded.subscribers, free_places = excluded.free_places, is_full = excluded.is_full""");

    @Override
    public OperatorDefinition definition() {
        return DEFINITION;
    }
}
