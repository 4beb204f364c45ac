-- API keys (SPEC §7): one user's keys in one account. Only a hash of the secret
-- is kept. Whether a key works is derived (expiry, and whether its owner is a
-- member), so leaving deactivates and rejoining reactivates without a write.
CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    expires_at BIGINT
);
CREATE INDEX api_keys_by_account ON api_keys (account_id, user_id, created_at);

-- The activity list's filters, newest first within each.
CREATE INDEX activity_by_event ON activity (account_id, event, id);
CREATE INDEX activity_by_actor ON activity (account_id, actor_user_id, id);
