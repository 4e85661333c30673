-- Read models of the courses example domain (JPA entities fed by listeners). See docs/api.md.
-- The application's own migrations (history table flyway_application_history), apart from the
-- framework's. IF NOT EXISTS: databases created before the split have these tables from the
-- framework's former V4.

CREATE TABLE IF NOT EXISTS course_view (
    course_id           text    PRIMARY KEY,
    name                text    NOT NULL,
    capacity            integer NOT NULL,
    subscribers         integer NOT NULL,
    closed              boolean NOT NULL,
    last_event_position bigint  NOT NULL
);

CREATE TABLE IF NOT EXISTS student_view (
    student_id          text   PRIMARY KEY,
    name                text   NOT NULL,
    last_event_position bigint NOT NULL
);

CREATE TABLE IF NOT EXISTS student_view_course (
    student_id text NOT NULL REFERENCES student_view (student_id) ON DELETE CASCADE,
    course_id  text NOT NULL,
    PRIMARY KEY (student_id, course_id)
);
