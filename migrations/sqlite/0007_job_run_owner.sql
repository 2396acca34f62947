-- Who is running a job and when it last showed life, so a run whose process
-- was killed is found and marked interrupted instead of staying `running`.
-- Twin of migrations/postgres/0007.

ALTER TABLE job_runs ADD COLUMN owner TEXT;
ALTER TABLE job_runs ADD COLUMN heartbeat_at TEXT;
