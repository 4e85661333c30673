-- The watermark reads es_position_seq.last_value as "the highest position handed out", which is
-- only exact with CACHE 1 (a session with a cache pre-allocates values it has not used yet, so a
-- position below last_value could still be drawn and committed later: the safe position would
-- step over it). Both safe-position functions now refuse to answer when the cache was changed.

CREATE FUNCTION es_check_position_cache()
    RETURNS void
    LANGUAGE plpgsql
    STABLE
AS $$
DECLARE
    c bigint;
BEGIN
    SELECT seqcache INTO c FROM pg_sequence WHERE seqrelid = 'es_position_seq'::regclass;
    IF c IS DISTINCT FROM 1 THEN
        RAISE EXCEPTION 'es_position_seq has CACHE %, the safe position needs CACHE 1', c
            USING ERRCODE = 'PE002',
                  HINT = 'ALTER SEQUENCE es_position_seq CACHE 1; see docs/event-store.md, Safe watermark';
    END IF;
END;
$$;

CREATE OR REPLACE FUNCTION es_safe_position()
    RETURNS bigint
    LANGUAGE plpgsql
    VOLATILE
AS $$
DECLARE
    s bigint;
    m bigint;
BEGIN
    PERFORM es_check_position_cache();
    SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END INTO s FROM es_position_seq;
    SELECT min((l.classid::bigint << 32) | l.objid::bigint) INTO m
      FROM pg_locks l
     WHERE l.locktype = 'advisory'
       AND l.objsubid = 1
       AND l.mode = 'ShareLock'
       -- IS DISTINCT FROM: a prepared (XA) transaction holds its locks with a NULL pid
       AND l.pid IS DISTINCT FROM pg_backend_pid()
       AND l.database = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database());
    RETURN LEAST(s, m);
END;
$$;

-- The safe position for one query: like es_safe_position(), but only in-flight writers that hold
-- a lock on one of the query's condition keys (hi[i], lo[i]) count. Every writer of an event that
-- matches the query holds such a key (taken before its mark, held until it ends), so readers of
-- disjoint queries do not lag behind each other's writers. pg_locks is read ONCE (materialized),
-- so a writer's mark and its keys come from the same snapshot of the lock table; they are joined
-- on virtualtransaction, which also identifies prepared (two-phase) transactions.
CREATE OR REPLACE FUNCTION es_safe_position(hi int[], lo int[])
    RETURNS bigint
    LANGUAGE plpgsql
    VOLATILE
AS $$
DECLARE
    s bigint;
    m bigint;
BEGIN
    PERFORM es_check_position_cache();
    SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END INTO s FROM es_position_seq;
    WITH l AS MATERIALIZED (
        SELECT pid, virtualtransaction, classid::bigint AS k1, objid::bigint AS k2, objsubid, mode, granted
          FROM pg_locks
         WHERE locktype = 'advisory'
           AND database = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())
    ), wanted AS (
        SELECT (q.h::bigint & 4294967295) AS k1, (q.l::bigint & 4294967295) AS k2
          FROM unnest(hi, lo) AS q(h, l)
    )
    SELECT min((mk.k1 << 32) | mk.k2) INTO m
      FROM l mk
     WHERE mk.objsubid = 1
       AND mk.mode = 'ShareLock'
       AND mk.pid IS DISTINCT FROM pg_backend_pid()
       AND EXISTS (SELECT 1
                     FROM l k
                     JOIN wanted w ON w.k1 = k.k1 AND w.k2 = k.k2
                    WHERE k.objsubid = 2
                      AND k.granted
                      AND k.virtualtransaction = mk.virtualtransaction);
    RETURN LEAST(s, m);
END;
$$;
