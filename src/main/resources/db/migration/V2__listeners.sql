-- Event listeners: one checkpoint row per listener (position, status, retry state, lease) and
-- the dead letters (parked events). See docs/listeners.md.

CREATE TABLE es_listener (
    listener_id    text        PRIMARY KEY CHECK (length(listener_id) BETWEEN 1 AND 200),
    -- last handled position: every matching event at or below it was handled (or parked)
    position       bigint      NOT NULL DEFAULT 0 CHECK (position >= 0),
    -- RUNNING, PAUSED (by an operator), FAILED (stopped on an error by the STOP policy)
    status         text        NOT NULL DEFAULT 'RUNNING' CHECK (status IN ('RUNNING', 'PAUSED', 'FAILED')),
    -- retry state of the event that failed (position error_position), null when none
    error_position bigint,
    attempts       integer     NOT NULL DEFAULT 0,
    retry_at       timestamptz,
    last_error     text,
    last_error_at  timestamptz,
    -- the node that may run the listener until lease_until
    lease_owner    text,
    lease_until    timestamptz,
    updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE es_listener_parked (
    listener_id text        NOT NULL REFERENCES es_listener (listener_id) ON DELETE CASCADE,
    position    bigint      NOT NULL,
    event_id    uuid        NOT NULL,
    type        text        NOT NULL,
    error       text        NOT NULL,
    attempts    integer     NOT NULL,
    parked_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (listener_id, position)
);
