-- The web console's sign-ins (issue 18): a session opened with an API token, its id and anti-forgery
-- token random, the id stored as a SHA-256 hash only. Revoking the token (deleting its row) ends its
-- sessions at once, on every node; the role is the token's, read at each request.
CREATE TABLE console_sessions (
    id_hash    text PRIMARY KEY,
    token_hash text NOT NULL REFERENCES api_tokens (token_hash) ON DELETE CASCADE,
    csrf       text NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX console_sessions_expiry ON console_sessions (expires_at);
