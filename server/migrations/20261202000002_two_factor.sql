-- Two-factor authentication (SPEC §15).
--
-- An authenticator app's secret (base32), once confirmed; the one being set
-- up until its first code confirms it; and the newest 30-second step a code
-- was accepted for, so a code works once (replay is refused).
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_pending_secret TEXT;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;

-- When an organization started requiring two-factor of its members (NULL: it
-- does not).
ALTER TABLE accounts ADD COLUMN two_factor_required_at BIGINT;

-- Single-use recovery codes, stored as SHA-256 (they are random, 50 bits each).
CREATE TABLE recovery_codes (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at BIGINT,
    PRIMARY KEY (user_id, code_hash)
);

-- Passkeys (WebAuthn credentials) as a second factor. `passkey` is the
-- WebAuthn library's record (public key, signature counter) as JSON.
CREATE TABLE passkeys (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    credential_id TEXT NOT NULL UNIQUE,
    passkey TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT
);
CREATE INDEX passkeys_by_user ON passkeys (user_id, created_at);

-- A registration ceremony in progress (its challenge), one per user.
CREATE TABLE passkey_registrations (
    user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    state TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);

-- A sign-in whose password was right and that waits for its second factor
-- (five minutes). It grants nothing by itself: only the pending cookie's
-- token, hashed, finds it. `passkey_state` holds a passkey challenge.
CREATE TABLE pending_sign_ins (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    passkey_state TEXT
);
CREATE INDEX pending_sign_ins_by_expiry ON pending_sign_ins (expires_at);
