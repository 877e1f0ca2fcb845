-- The ETag of an account (GET /me) comes from this version; every change bumps it.
ALTER TABLE users ADD COLUMN version BIGINT NOT NULL DEFAULT 1;

-- Staff invitations: an admin (or a coordinator, for trainers) invites an address with a
-- role; the emailed single-use link creates the account, or grants the role to the account
-- that already has the address. Only the token's hash is kept.
CREATE TABLE invitations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL,
    email_normalized TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('trainer', 'coordinator', 'admin')),
    -- The language of the email (and of the account it creates).
    language TEXT NOT NULL,
    -- `pending` past `expires_at` is expired too; it is written `expired` when the address is invited again.
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'revoked', 'expired')),
    token_hash TEXT NOT NULL UNIQUE,
    invited_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    accepted_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    revoked_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    accepted_at TIMESTAMP,
    revoked_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
-- One open invitation per address, even when two admins invite it at the same moment.
CREATE UNIQUE INDEX invitations_one_pending ON invitations (email_normalized) WHERE status = 'pending';
CREATE INDEX invitations_status ON invitations (status, id);
