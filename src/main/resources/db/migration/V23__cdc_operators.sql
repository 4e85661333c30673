-- Change data capture (docs/cdc.md): one row per operator. applied_lsn is the end LSN of the
-- last source transaction whose effect the operator committed, written in the same transaction
-- as that effect, so a transaction replayed after a crash is recognised and skipped.
CREATE TABLE cdc_operator (
    name          text        PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 200),
    applied_lsn   bigint      NOT NULL DEFAULT 0 CHECK (applied_lsn >= 0),
    -- RUNNING, or STOPPED after its last retry (until resumed through the admin API)
    status        text        NOT NULL DEFAULT 'RUNNING' CHECK (status IN ('RUNNING', 'STOPPED')),
    attempts      integer     NOT NULL DEFAULT 0,
    last_error    text,
    last_error_at timestamptz,
    updated_at    timestamptz NOT NULL DEFAULT now()
);
