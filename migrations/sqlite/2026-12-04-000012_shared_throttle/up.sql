-- Throttling that every instance sharing the database sees (issue 10, item 2): the events
-- the limits count, and the devices that logged in before.

-- One row per counted event: a failed login (written before the password is checked, taken
-- back when it matches), a registration, an emailed link, an unknown invitation. `scope`
-- names the limit, `subject` what it is counted for (a client address, an account). Rows older
-- than their limit's window are pruned by the next event of the scope.
CREATE TABLE throttle_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    scope TEXT NOT NULL,
    subject TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX throttle_events_key ON throttle_events (scope, subject, at);
CREATE INDEX throttle_events_at ON throttle_events (scope, at);

-- A device token is given by a successful login and sent back by the same device: with a
-- valid one, the owner is not held by the account's delays, only by the token's own limit.
-- Only its SHA-256 is stored.
CREATE TABLE device_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    -- Failed logins with this token since its last success or lock.
    failures INTEGER NOT NULL DEFAULT 0,
    locked_until TIMESTAMP
);
CREATE INDEX device_tokens_user ON device_tokens (user_id, last_used_at);
