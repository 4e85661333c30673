package dev.pgevents.courses;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pgevents.cdc.CdcFixture;
import dev.pgevents.platform.SchemaMigrations;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Given course_view rows (as the course-catalog listener writes them), when the CDC reader runs the
 * course-occupancy operator, then course_occupancy holds each course's free places.
 */
class CourseOccupancyTest {

    private CdcFixture db;

    @BeforeEach
    void schema() {
        db = new CdcFixture("cdc_course_occupancy");
        SchemaMigrations.application(db.dataSource(), getClass().getClassLoader(),
                List.of("classpath:db/courses", "classpath:db/posts")).migrate();
        db.start(CdcFixture.FAST, CourseOccupancy.DEFINITION);
    }

    @AfterEach
    void stop() {
        db.close();
    }

    @Test
    void freePlacesFollowTheCourseView() {
        db.sql("INSERT INTO course_view VALUES ('algebra', 'Algebra', 2, 0, false, 1), ('logic', 'Logic', 1, 0, false, 2)");
        db.sql("UPDATE course_view SET subscribers = 2, last_event_position = 3 WHERE course_id = 'algebra'");
        db.sql("DELETE FROM course_view WHERE course_id = 'logic'");
        db.awaitCaughtUp(CourseOccupancy.NAME, "pgevents_cdc");

        assertEquals(List.of("algebra|Algebra|2|2|0|t"), db.rows("SELECT * FROM course_occupancy ORDER BY course_id"));
    }
}
