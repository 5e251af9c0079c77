-- The head-end's durable state. One source of truth: change it only with a new migration.

CREATE TABLE meters (
    id            text PRIMARY KEY CHECK (id ~ '^[0-9]{18}$'),
    serial        text NOT NULL,
    host          text NOT NULL,
    port          integer NOT NULL CHECK (port BETWEEN 1 AND 65535),
    transport     text NOT NULL CHECK (transport IN ('wrapper', 'hdlc')),
    client_sap    integer NOT NULL,
    server_sap    integer NOT NULL,
    hdlc_physical integer NOT NULL DEFAULT 0,
    auth          text NOT NULL CHECK (auth IN ('none', 'low', 'hls-gmac')),
    system_title  text,
    profile       text NOT NULL DEFAULT 'emucs',
    status        text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'decommissioned')),
    labels        jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX meters_status ON meters (status, id);
CREATE INDEX meters_labels ON meters USING gin (labels);

-- Secrets, encrypted under the master key (AES-256-GCM); a new version rolls a key forward.
CREATE TABLE meter_keys (
    meter_id      text NOT NULL REFERENCES meters (id) ON DELETE CASCADE,
    version       integer NOT NULL,
    master_key_id text NOT NULL,
    nonce         bytea NOT NULL,
    ciphertext    bytea NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (meter_id, version)
);

-- The next invocation counter each (meter, client) may use; only ever increases.
CREATE TABLE invocation_counters (
    meter_id   text NOT NULL,
    client_sap integer NOT NULL,
    next_value bigint NOT NULL CHECK (next_value >= 0),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (meter_id, client_sap)
);

-- Index reads, one row per register and capture time; partitioned by month.
CREATE TABLE daily_reads (
    meter_id    text NOT NULL,
    obis        text NOT NULL,
    captured_at timestamptz NOT NULL,
    value       numeric(20, 3) NOT NULL,
    unit        text NOT NULL,
    source      text NOT NULL CHECK (source IN ('DAILY_PROFILE', 'ON_DEMAND')),
    received_at timestamptz NOT NULL,
    PRIMARY KEY (meter_id, obis, captured_at)
) PARTITION BY RANGE (captured_at);
CREATE TABLE daily_reads_default PARTITION OF daily_reads DEFAULT;

CREATE TABLE read_runs (
    id         bigserial PRIMARY KEY,
    run_date   date NOT NULL UNIQUE,
    total      integer NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE commands (
    id              uuid PRIMARY KEY,
    meter_id        text NOT NULL REFERENCES meters (id),
    type            text NOT NULL,
    params          jsonb NOT NULL DEFAULT '{}'::jsonb,
    caller          text NOT NULL,
    idempotency_key text,
    request_hash    text NOT NULL,
    status          text NOT NULL CHECK (status IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'EXPIRED')),
    attempts        integer NOT NULL DEFAULT 0,
    result          jsonb,
    error           text,
    deadline        timestamptz,
    callback_url    text,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    UNIQUE (caller, idempotency_key)
);
CREATE INDEX commands_meter ON commands (meter_id, created_at DESC);

CREATE TABLE command_history (
    command_id uuid NOT NULL REFERENCES commands (id) ON DELETE CASCADE,
    at         timestamptz NOT NULL,
    status     text NOT NULL,
    detail     text
);
CREATE INDEX command_history_command ON command_history (command_id, at);

CREATE TABLE events (
    id       bigserial PRIMARY KEY,
    meter_id text NOT NULL,
    type     text NOT NULL,
    at       timestamptz NOT NULL,
    payload  jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX events_meter ON events (meter_id, at);

CREATE TABLE audit (
    id     bigserial PRIMARY KEY,
    at     timestamptz NOT NULL,
    actor  text NOT NULL,
    action text NOT NULL,
    target text,
    detail text
);

-- The work queue. Lower priority runs first. A RUNNING job belongs to lease_owner until lease_expires_at.
CREATE TABLE jobs (
    id                bigserial PRIMARY KEY,
    type              text NOT NULL CHECK (type IN ('DAILY_READ', 'ON_DEMAND_READ', 'COMMAND', 'CLOCK_SYNC')),
    meter_id          text NOT NULL,
    priority          smallint NOT NULL,
    payload           jsonb NOT NULL DEFAULT '{}'::jsonb,
    state             text NOT NULL CHECK (state IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'DEAD')),
    run_at            timestamptz NOT NULL,
    deadline          timestamptz,
    attempts          integer NOT NULL DEFAULT 0,
    max_attempts      integer NOT NULL,
    last_failure      text,
    last_failure_kind text,
    lease_owner       text,
    lease_expires_at  timestamptz,
    read_run_id       bigint REFERENCES read_runs (id),
    command_id        uuid REFERENCES commands (id),
    result            jsonb,
    created_at        timestamptz NOT NULL,
    finished_at       timestamptz
);
CREATE INDEX jobs_due ON jobs (priority, run_at) WHERE state = 'QUEUED';
-- At most one running job per meter, whatever the number of nodes.
CREATE UNIQUE INDEX jobs_one_running_per_meter ON jobs (meter_id) WHERE state = 'RUNNING';
CREATE INDEX jobs_lease ON jobs (lease_expires_at) WHERE state = 'RUNNING';
CREATE INDEX jobs_run ON jobs (read_run_id, state) WHERE read_run_id IS NOT NULL;
CREATE INDEX jobs_dead ON jobs (id) WHERE state = 'DEAD';
CREATE UNIQUE INDEX jobs_one_daily_read ON jobs (read_run_id, meter_id) WHERE type = 'DAILY_READ';

-- API tokens, stored as SHA-256 hashes.
CREATE TABLE api_tokens (
    token_hash text PRIMARY KEY,
    name       text NOT NULL,
    role       text NOT NULL CHECK (role IN ('platform', 'engineer', 'operator', 'admin')),
    created_at timestamptz NOT NULL DEFAULT now()
);
