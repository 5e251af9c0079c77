-- The console's alarms of the day: events now hold the meters' logs as well (V20), far more rows than
-- alarms, so today's ALARM_REGISTER and PUSH events are found through their own small index.
CREATE INDEX events_alarms ON events (at DESC, id DESC) WHERE type IN ('ALARM_REGISTER', 'PUSH');
