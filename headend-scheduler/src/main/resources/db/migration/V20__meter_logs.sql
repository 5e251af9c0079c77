-- The meters' own logs as events (issue 17): an entry of a log is stored once (meter, log, its time by
-- the meter's clock, its code), so a log read again from its last stored entry adds nothing twice.
ALTER TABLE events ADD COLUMN log text, ADD COLUMN code bigint;
CREATE UNIQUE INDEX events_log_entry ON events (meter_id, log, at, code) WHERE log IS NOT NULL;
