-- A CDC operator over one of our own read-model tables (course_view, kept by the course-catalog
-- listener): free places per course, derived from every change of course_view. See docs/cdc.md.
CREATE TABLE course_occupancy (
    course_id   text    PRIMARY KEY,
    name        text    NOT NULL,
    capacity    integer NOT NULL,
    subscribers integer NOT NULL,
    free_places integer NOT NULL,
    is_full     boolean NOT NULL
);
