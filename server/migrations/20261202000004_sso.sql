-- Single sign-on (SPEC §16): one connection per organization, and the sign-ins
-- in flight between Orgspace and the identity provider.
CREATE TABLE sso_connections (
    account_id TEXT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('oidc')),
    issuer TEXT NOT NULL,
    client_id TEXT NOT NULL,
    -- Needed as is to call the provider's token endpoint.
    client_secret TEXT NOT NULL,
    default_role TEXT NOT NULL,
    default_team_id TEXT REFERENCES teams (id) ON DELETE SET NULL,
    required_at BIGINT,
    created_at BIGINT NOT NULL
);

-- A sign-in sent to the provider: the state's SHA-256 finds it once; it is
-- bound to the browser that started it (its cookie's SHA-256), and holds the
-- nonce and PKCE verifier the answer must match.
CREATE TABLE sso_logins (
    state_hash TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    browser_hash TEXT NOT NULL,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    email TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sso_logins_by_expiry ON sso_logins (expires_at);
