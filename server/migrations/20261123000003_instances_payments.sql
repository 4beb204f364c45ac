-- Instances (SPEC §9). A personal account's instances have no team row (team_id
-- NULL): the account is its one implicit team. The team reference has no
-- cascade: a team that still owns instances cannot be deleted (409 team_not_empty).
CREATE TABLE instances (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    team_id TEXT REFERENCES teams (id),
    name TEXT NOT NULL,
    size TEXT NOT NULL CHECK (size IN ('small', 'medium', 'large')),
    region TEXT,
    created_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (account_id, name)
);
CREATE INDEX instances_by_account ON instances (account_id, id);
CREATE INDEX instances_by_team ON instances (team_id, id);

-- Payments that added funds. The idempotency key (the client's
-- `Idempotency-Key` header) makes a retried payment a no-op.
CREATE TABLE payments (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    idempotency_key TEXT,
    provider_reference TEXT NOT NULL,
    paid_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (account_id, idempotency_key)
);
