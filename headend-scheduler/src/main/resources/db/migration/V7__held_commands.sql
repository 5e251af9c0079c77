-- A disconnection held by the guard until a non-disconnection window ends: its status says so, with the rule.
ALTER TABLE commands DROP CONSTRAINT commands_status_check;
ALTER TABLE commands ADD CONSTRAINT commands_status_check CHECK (status IN ('QUEUED', 'HELD', 'RUNNING', 'SUCCEEDED', 'FAILED', 'EXPIRED'));
ALTER TABLE commands ADD COLUMN held_rule text;
ALTER TABLE commands ADD COLUMN held_until timestamptz;
