-- Durable delivery to the prepayment platform (issue 16).

-- The feed: one entry per new daily read, on-demand read, event and finished command, written in the
-- transaction that stored the thing itself. An entry's position is (txid, id): entries are read only
-- below the oldest running transaction (pg_snapshot_xmin), so a transaction that commits late can
-- never slip in behind a cursor that already passed it. The entry refers to its source row; delivery
-- renders it from there.
CREATE TABLE feed (
    txid       xid8 NOT NULL DEFAULT pg_current_xact_id(),
    id         bigint GENERATED ALWAYS AS IDENTITY,
    kind       text NOT NULL CHECK (kind IN ('daily-read', 'on-demand-read', 'event', 'command-result')),
    meter_id   text NOT NULL,
    ref        text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (txid, id)
);
CREATE INDEX feed_created ON feed (created_at);

-- Subscriptions: the platform's callback URL, the kinds it wants, and how far it has acknowledged.
-- Any node delivers; a node holds a subscription while its batch is in flight (lease).
CREATE TABLE subscriptions (
    id               uuid PRIMARY KEY,
    url              text NOT NULL,
    kinds            text[] NOT NULL,
    batch_size       integer NOT NULL,
    caller           text NOT NULL,
    state            text NOT NULL CHECK (state IN ('ACTIVE', 'DEAD')),
    cursor_txid      xid8 NOT NULL,
    cursor_id        bigint NOT NULL,
    failures         integer NOT NULL DEFAULT 0,
    failing_since    timestamptz,
    last_error       text,
    next_attempt_at  timestamptz NOT NULL,
    lease_owner      text,
    lease_expires_at timestamptz,
    delivered_items  bigint NOT NULL DEFAULT 0,
    delivered_at     timestamptz,
    created_at       timestamptz NOT NULL
);

-- A command's callback, stored with the command's end in the same transaction: any node delivers it,
-- whichever node ran the command, and a node that dies with callbacks in flight loses none.
CREATE TABLE command_callbacks (
    command_id      uuid PRIMARY KEY REFERENCES commands (id) ON DELETE CASCADE,
    url             text NOT NULL,
    state           text NOT NULL CHECK (state IN ('PENDING', 'DELIVERED', 'DEAD')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    last_error      text,
    created_at      timestamptz NOT NULL,
    delivered_at    timestamptz
);
CREATE INDEX command_callbacks_due ON command_callbacks (next_attempt_at) WHERE state = 'PENDING';
CREATE INDEX command_callbacks_dead ON command_callbacks (created_at) WHERE state = 'DEAD';
