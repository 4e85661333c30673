-- The database enforces the write protocol: a statement that inserts into es_event must have
-- taken the writer's keys and watermark mark first in its transaction (es_lock_keys with
-- mark = true, or the store's inlined lock expression), which set the transaction-local marker
-- pgevents.append_protocol. A plain INSERT from another program would otherwise slip between a
-- decision's read and its append (a lost update) and escape the safe watermark.
-- AFTER ... FOR EACH STATEMENT: the store's unconditional append takes its locks in an InitPlan
-- of the INSERT itself, so the marker is set during the statement; raising at its end still
-- undoes every row it inserted.
CREATE OR REPLACE FUNCTION es_lock_keys(hi int[], lo int[], exclusive boolean[], mark boolean)
    RETURNS void
    LANGUAGE plpgsql
    VOLATILE
AS $$
DECLARE
    i int;
    v bigint;
BEGIN
    FOR i IN 1 .. coalesce(array_length(hi, 1), 0) LOOP
        IF exclusive[i] THEN
            PERFORM pg_advisory_xact_lock(hi[i], lo[i]);
        ELSE
            PERFORM pg_advisory_xact_lock_shared(hi[i], lo[i]);
        END IF;
    END LOOP;
    IF mark THEN
        SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END INTO v FROM es_position_seq;
        PERFORM pg_advisory_xact_lock_shared(v);
        PERFORM set_config('pgevents.append_protocol', 'on', true);
    END IF;
END;
$$;

CREATE FUNCTION es_event_protocol_guard()
    RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    IF current_setting('pgevents.append_protocol', true) IS DISTINCT FROM 'on' THEN
        RAISE EXCEPTION 'es_event is written only through the event store''s append protocol: take the writer''s keys and mark first (es_lock_keys)'
            USING ERRCODE = 'PE001',
                  HINT = 'SELECT es_lock_keys(hi, lo, exclusive, true) in the same transaction before the INSERT; see docs/event-store.md';
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER es_event_protocol_guard
    AFTER INSERT ON es_event
    FOR EACH STATEMENT
    EXECUTE FUNCTION es_event_protocol_guard();
