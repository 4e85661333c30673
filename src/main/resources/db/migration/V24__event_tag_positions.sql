-- A condition's check ("no event with tag T after position P") through the GIN tag index found
-- every event of T and read each from the heap to test its position: its cost grew with the
-- tag's history (5,000 events: 7.5 ms, whatever P), and a decision pays it under its entity's
-- lock. es_event_tag holds one row per (tag, event), ordered by its primary key, so the events of
-- a tag after P are an index range: a check on one tag costs the same at 10 events and at
-- 1,000,000 (docs/event-store.md, Tag positions). Reads still use the GIN index.
--
-- Written by a trigger, in the statement that inserts the events: every writer of es_event (the
-- store, an SQL writer following the append protocol) fills it, and its rows commit or roll back
-- with their events. Transition table: one INSERT per statement, whatever its number of rows.
-- DISTINCT and NOT NULL: an SQL writer may repeat a tag within an event, or put a NULL in its
-- array (which no query matches); the store does neither.
CREATE TABLE es_event_tag (
    tag      text   NOT NULL,
    position bigint NOT NULL,
    PRIMARY KEY (tag, position)
);

CREATE FUNCTION es_event_tag_positions()
    RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    INSERT INTO es_event_tag (tag, position)
    SELECT DISTINCT t.tag, n.position FROM new_events n, unnest(n.tags) AS t(tag) WHERE t.tag IS NOT NULL;
    RETURN NULL;
END;
$$;

-- The trigger first: creating it locks out writers (SHARE ROW EXCLUSIVE) until this migration
-- commits, so the backfill below sees every event committed before it, and every later event
-- goes through the trigger.
CREATE TRIGGER es_event_tag_positions
    AFTER INSERT ON es_event
    REFERENCING NEW TABLE AS new_events
    FOR EACH STATEMENT
    EXECUTE FUNCTION es_event_tag_positions();

-- Writers wait until this commits: on a large store, plan the migration as a short write outage
-- (docs/operations.md). Sorted: the primary key is then filled in order.
INSERT INTO es_event_tag (tag, position)
SELECT DISTINCT t.tag, e.position FROM es_event e, unnest(e.tags) AS t(tag) WHERE t.tag IS NOT NULL ORDER BY 1, 2;

ANALYZE es_event_tag;
