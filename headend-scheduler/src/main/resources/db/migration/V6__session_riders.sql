-- Orders that join a meter's session: one session per meter instead of one running job per meter.
-- A rider runs in the association of the meter's running (primary) job; it is leased like any job,
-- so a node that dies with it loses it back to the queue.
ALTER TABLE jobs ADD COLUMN rides_on bigint;
-- A command that waits for the meter's next scheduled session (its run_at is the latest moment it
-- runs on its own, before its deadline).
ALTER TABLE jobs ADD COLUMN joins_session boolean NOT NULL DEFAULT false;
DROP INDEX jobs_one_running_per_meter;
CREATE UNIQUE INDEX jobs_one_session_per_meter ON jobs (meter_id) WHERE state = 'RUNNING' AND rides_on IS NULL;
CREATE INDEX jobs_queued_commands ON jobs (meter_id) WHERE state = 'QUEUED' AND type = 'COMMAND';
