-- Every writer now also clears the transaction-local setting pgevents.locked_read, in which a
-- LOCKED read leaves the nonce of its proof (see docs/event-store.md, Decisions). A proof still
-- in place when an append runs therefore means: the same transaction, no append since the read,
-- and the read's locks not released by a rolled-back savepoint (a savepoint rollback reverts the
-- setting along with the locks). Otherwise the append checks its condition as usual.
-- The store takes its locks with an inlined statement of the same steps (LockKeys.appendTo);
-- this function stays the protocol for writers that append in SQL.
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
        PERFORM set_config('pgevents.locked_read', '', true);
        SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END INTO v FROM es_position_seq;
        PERFORM pg_advisory_xact_lock_shared(v);
    END IF;
END;
$$;
