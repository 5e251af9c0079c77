-- The disconnection guard: one policy row, its dated periods, per-meter holds, and the operators' overrides.
CREATE TABLE guard_policy (
    id                    integer PRIMARY KEY CHECK (id = 1),
    protected_label       text,
    protected_action      text NOT NULL CHECK (protected_action IN ('REFUSE', 'LIMIT')),
    protected_limit_watts integer NOT NULL CHECK (protected_limit_watts BETWEEN 100 AND 100000),
    hold_weekends         boolean NOT NULL,
    hold_public_holidays  boolean NOT NULL,
    day_start             time,
    day_end               time,
    window_action         text NOT NULL CHECK (window_action IN ('HOLD', 'REFUSE')),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    updated_by            text
);
-- A new installation limits protected customers and holds nothing until the operator sets its windows.
INSERT INTO guard_policy VALUES (1, 'customer=protected', 'LIMIT', 2300, false, false, NULL, NULL, 'HOLD', now(), 'default');

CREATE TABLE guard_periods (
    id        bigserial PRIMARY KEY,
    from_date date NOT NULL,
    to_date   date NOT NULL CHECK (to_date >= from_date),
    reason    text NOT NULL DEFAULT ''
);

CREATE TABLE meter_disconnection_holds (
    id         bigserial PRIMARY KEY,
    meter_id   text NOT NULL REFERENCES meters (id) ON DELETE CASCADE,
    from_at    timestamptz NOT NULL,
    to_at      timestamptz NOT NULL CHECK (to_at > from_at),
    reason     text NOT NULL DEFAULT '',
    created_by text,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX meter_disconnection_holds_meter ON meter_disconnection_holds (meter_id, to_at);

-- Every override of the guard: who, why, for which command.
CREATE TABLE guard_overrides (
    command_id uuid NOT NULL,
    operator   text NOT NULL,
    reason     text NOT NULL CHECK (length(reason) > 0),
    rule       text,
    at         timestamptz NOT NULL DEFAULT now()
);
