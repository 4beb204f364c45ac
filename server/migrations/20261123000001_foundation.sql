-- Orgspace schema, portable between SQLite and PostgreSQL: ids are UUID text,
-- times are BIGINT milliseconds since the Unix epoch (UTC).

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    -- Bumped first in transactions that must run one at a time per user
    -- (the organization limit), which takes the row's write lock portably.
    lock_version BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('personal', 'organization')),
    name TEXT NOT NULL,
    slug TEXT UNIQUE,
    -- Set for personal accounts only: one per user.
    personal_user_id TEXT UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('active', 'suspended')),
    credit_cents BIGINT NOT NULL DEFAULT 0 CHECK (credit_cents >= 0),
    plan TEXT NOT NULL CHECK (plan IN ('hobby', 'starter', 'startup', 'business', 'enterprise')),
    region TEXT CHECK (region IN ('eu-central', 'eu-north', 'ch-west', 'us-east', 'us-west')),
    billing_name TEXT,
    billing_street TEXT,
    billing_city TEXT,
    billing_postal_code TEXT,
    billing_country TEXT,
    created_at BIGINT NOT NULL,
    -- Bumped first in transactions that must run one at a time per account
    -- (member counts, owners).
    lock_version BIGINT NOT NULL DEFAULT 0,
    CHECK ((kind = 'personal') = (personal_user_id IS NOT NULL)),
    CHECK ((kind = 'organization') = (region IS NOT NULL AND slug IS NOT NULL))
);

CREATE TABLE memberships (
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'tech', 'viewer')),
    joined_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, user_id)
);
CREATE INDEX memberships_by_user ON memberships (user_id, account_id);

CREATE TABLE teams (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX teams_by_account ON teams (account_id);

CREATE TABLE team_members (
    team_id TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    account_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('team_admin', 'team_member', 'team_viewer')),
    PRIMARY KEY (team_id, user_id),
    -- Leaving the organization leaves its teams.
    FOREIGN KEY (account_id, user_id) REFERENCES memberships (account_id, user_id) ON DELETE CASCADE
);
CREATE INDEX team_members_by_member ON team_members (account_id, user_id);

CREATE TABLE invitations (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'tech', 'viewer')),
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'declined', 'revoked', 'expired')),
    token_hash TEXT NOT NULL UNIQUE,
    note TEXT,
    invited_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
-- One pending invitation per organization and email.
CREATE UNIQUE INDEX invitations_one_pending ON invitations (account_id, email) WHERE status = 'pending';
CREATE INDEX invitations_by_email ON invitations (email, status);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Attempts counted by the rate limiter, shared by every server process.
CREATE TABLE rate_events (
    bucket TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX rate_events_by_bucket ON rate_events (bucket, at);

-- Append-only: no code path updates or deletes a row. No foreign key to
-- accounts, so the record of a deleted organization remains.
CREATE TABLE activity (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    at BIGINT NOT NULL,
    actor_user_id TEXT,
    actor_api_key_id TEXT,
    event TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id TEXT NOT NULL,
    payload TEXT NOT NULL
);
CREATE INDEX activity_by_account ON activity (account_id, id);
