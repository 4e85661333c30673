-- Processors: durable background work. One row per task, claimed by workers with
-- FOR UPDATE SKIP LOCKED under a lease. Completed tasks stay (status DONE) so that enqueueing the
-- same (type, triggering position) again, e.g. when a listener is reset and replays, changes
-- nothing. See docs/processors.md.

CREATE TABLE es_task (
    task_id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    type                text        NOT NULL CHECK (length(type) BETWEEN 1 AND 200),
    arguments           jsonb       NOT NULL,
    -- the event that caused the task; with the type, the idempotency key of the enqueue
    triggering_position bigint      NOT NULL CHECK (triggering_position >= 0),
    -- QUEUED (waiting to run, first or again), RUNNING (claimed), DONE, FAILED (no attempts left)
    status              text        NOT NULL DEFAULT 'QUEUED' CHECK (status IN ('QUEUED', 'RUNNING', 'DONE', 'FAILED')),
    -- attempts started so far; also the fence of a completion (with claimed_by)
    attempts            integer     NOT NULL DEFAULT 0,
    -- when the next attempt is due (QUEUED)
    run_at              timestamptz NOT NULL DEFAULT now(),
    -- the worker that runs the task until lease_until (RUNNING); an expired lease frees the task
    claimed_by          text,
    lease_until         timestamptz,
    last_error          text,
    last_error_at       timestamptz,
    enqueued_at         timestamptz NOT NULL DEFAULT now(),
    finished_at         timestamptz,
    UNIQUE (type, triggering_position)
);

-- what the workers' claims walk, in order: queued tasks by due time, running ones by lease end
CREATE INDEX es_task_queued ON es_task (type, run_at, task_id) WHERE status = 'QUEUED';
CREATE INDEX es_task_running ON es_task (type, lease_until) WHERE status = 'RUNNING';
-- the failed tasks an operator looks at
CREATE INDEX es_task_failed ON es_task (type, task_id) WHERE status = 'FAILED';
