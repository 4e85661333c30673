-- The locked-read proof is gone (every conditional append checks its condition, see
-- docs/event-store.md): es_lock_keys no longer clears the pgevents.locked_read setting. V5 stays
-- as applied (Flyway checksums); this redefines the function as V1 had it. The store takes its
-- locks with an inlined statement of the same steps up to 16 keys (LockKeys.appendTo) and calls
-- this function above; it stays the protocol for writers that append in SQL.
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
    END IF;
END;
$$;
