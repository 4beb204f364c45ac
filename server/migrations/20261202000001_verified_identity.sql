-- Verified identity (SPEC §14): an email is trusted once its mailbox answered.
-- Users from before have not verified theirs; they are asked to.
ALTER TABLE users ADD COLUMN email_verified_at BIGINT;

-- Single-use links mailed to an address: verifying it (at registration, or a
-- new address before it replaces the old one) and resetting a password. Only
-- the token's SHA-256 is stored; a link is used by deleting its row.
CREATE TABLE email_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('verify_email', 'change_email', 'reset_password')),
    -- The address the link was mailed to (for a change: the new one).
    email TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX email_tokens_by_user ON email_tokens (user_id, purpose);
CREATE INDEX email_tokens_by_expiry ON email_tokens (expires_at);

-- Sessions gain a public id (to list and revoke them), the address and device
-- they signed in from, and when they were last used. Sessions from before had
-- none of that and end here: their users sign in again.
DROP TABLE sessions;
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    ip TEXT NOT NULL,
    user_agent TEXT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id, created_at);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
