-- Scheduled governance jobs: the schedules (cron in a time zone) and the
-- queue their runs, and a steward's "run now", wait in. A worker claims a
-- queued job in one statement and holds it under a lease it renews; a lease
-- that runs out (its worker was killed) puts the job back for another.
-- Twin of migrations/postgres/0013.

CREATE TABLE job_schedules (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    kind          TEXT NOT NULL,
    params        TEXT NOT NULL DEFAULT 'null',
    cron          TEXT NOT NULL,
    timezone      TEXT NOT NULL,
    enabled       INTEGER NOT NULL,
    missed        TEXT NOT NULL,
    origin        TEXT NOT NULL,
    next_at       TEXT,
    last_fired_at TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE TABLE job_queue (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,
    params          TEXT NOT NULL DEFAULT 'null',
    priority        INTEGER NOT NULL,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL,
    max_attempts    INTEGER NOT NULL,
    run_after       TEXT NOT NULL,
    concurrency_key TEXT,
    schedule_id     INTEGER REFERENCES job_schedules (id) ON DELETE SET NULL,
    scheduled_for   TEXT,
    lease_owner     TEXT,
    lease_until     TEXT,
    timeout_secs    INTEGER NOT NULL,
    requested_by    TEXT NOT NULL,
    started_at      TEXT,
    finished_at     TEXT,
    last_error      TEXT,
    summary         TEXT NOT NULL DEFAULT 'null',
    log             TEXT NOT NULL DEFAULT '[]',
    run_id          INTEGER REFERENCES job_runs (id) ON DELETE SET NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
-- What a worker looks for: the queued jobs that are due, best first.
CREATE INDEX job_queue_due ON job_queue (status, priority DESC, run_after, id);
-- A schedule's time is enqueued once (once per source, for a scan of every
-- source), whatever clock jumps or schedulers.
CREATE UNIQUE INDEX job_queue_schedule_time
    ON job_queue (schedule_id, scheduled_for, COALESCE(concurrency_key, ''))
    WHERE schedule_id IS NOT NULL;
-- Two jobs with one concurrency key never run at once, even when two
-- workers claim at the same instant.
CREATE UNIQUE INDEX job_queue_one_running_per_key ON job_queue (concurrency_key)
    WHERE status = 'running' AND concurrency_key IS NOT NULL;
