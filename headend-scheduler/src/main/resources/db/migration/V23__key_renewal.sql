-- Key renewal (issue 19). A meter's key versions now have a state: 'active' (what sessions use: the
-- newest active version), 'pending' (stored before it is sent to the meter; becomes active once a new
-- association with it succeeded), 'retired' (the active one it replaced) and 'abandoned' (a pending
-- version the meter refused). Where a version came from: the registry (import, API) or a renewal.
ALTER TABLE meter_keys
    ADD COLUMN state text NOT NULL DEFAULT 'active' CHECK (state IN ('pending', 'active', 'retired', 'abandoned')),
    ADD COLUMN origin text NOT NULL DEFAULT 'registry' CHECK (origin IN ('registry', 'renewal')),
    ADD COLUMN state_changed_at timestamptz;
-- Versions older than a meter's newest were replaced by it: retired.
UPDATE meter_keys k SET state = 'retired'
 WHERE version < (SELECT max(version) FROM meter_keys n WHERE n.meter_id = k.meter_id);
-- At most one pending version per meter.
CREATE UNIQUE INDEX meter_keys_one_pending ON meter_keys (meter_id) WHERE state = 'pending';

-- The invocation counter follows the key it belongs to: one row per (meter, client, key version), so a
-- new key starts its own counter and no (key, counter) pair is ever used twice. Existing rows belong
-- to the meter's newest version.
ALTER TABLE invocation_counters ADD COLUMN key_version integer NOT NULL DEFAULT 0;
UPDATE invocation_counters ic SET key_version = COALESCE((SELECT max(version) FROM meter_keys k WHERE k.meter_id = ic.meter_id), 0);
ALTER TABLE invocation_counters DROP CONSTRAINT invocation_counters_pkey;
ALTER TABLE invocation_counters ADD PRIMARY KEY (meter_id, client_sap, key_version);

-- Renewal jobs, below commands, and the campaigns that group them.
ALTER TABLE jobs DROP CONSTRAINT jobs_type_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_type_check CHECK (type IN ('DAILY_READ', 'ON_DEMAND_READ', 'COMMAND', 'CLOCK_SYNC', 'KEY_RENEWAL'));

CREATE TABLE key_campaigns (
    id          bigserial PRIMARY KEY,
    scope       text NOT NULL,          -- 'meter:<id>', 'label:<k>=<v>', 'fleet', 'headroom'
    keys        text NOT NULL CHECK (keys IN ('both', 'ek', 'ak')),
    per_minute  integer NOT NULL CHECK (per_minute > 0),
    total       integer NOT NULL,
    caller      text NOT NULL,
    created_at  timestamptz NOT NULL
);
ALTER TABLE jobs ADD COLUMN key_campaign_id bigint REFERENCES key_campaigns (id);
CREATE INDEX jobs_key_campaign ON jobs (key_campaign_id, state) WHERE key_campaign_id IS NOT NULL;
-- At most one renewal queued or running per meter, whatever the campaigns.
CREATE UNIQUE INDEX jobs_one_key_renewal ON jobs (meter_id) WHERE type = 'KEY_RENEWAL' AND state IN ('QUEUED', 'RUNNING');
