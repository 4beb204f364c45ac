-- SAML 2.0 connections (SPEC §16). The connection's kind may now be `saml`:
-- the table is rebuilt, as SQLite cannot change a CHECK constraint in place.
-- For SAML, `issuer` holds the identity provider's entity id and
-- `idp_metadata_xml` its metadata (entity id, single sign-on URL, signing
-- certificates); the OpenID columns stay empty.
CREATE TABLE sso_connections_next (
    account_id TEXT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('oidc', 'saml')),
    issuer TEXT NOT NULL,
    client_id TEXT NOT NULL,
    client_secret TEXT NOT NULL,
    idp_metadata_xml TEXT,
    default_role TEXT NOT NULL,
    default_team_id TEXT REFERENCES teams (id) ON DELETE SET NULL,
    required_at BIGINT,
    created_at BIGINT NOT NULL
);
INSERT INTO sso_connections_next
    (account_id, kind, issuer, client_id, client_secret, default_role, default_team_id, required_at, created_at)
SELECT account_id, kind, issuer, client_id, client_secret, default_role, default_team_id, required_at, created_at
FROM sso_connections;
DROP TABLE sso_connections;
ALTER TABLE sso_connections_next RENAME TO sso_connections;

-- A SAML sign-in in flight remembers the AuthnRequest's id: the answer must
-- be InResponseTo it.
ALTER TABLE sso_logins ADD COLUMN request_id TEXT;

-- The replay cache: every SAML assertion accepted, by the provider's id for
-- it, until it could no longer be accepted anyway.
CREATE TABLE saml_assertions (
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    assertion_id TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, assertion_id)
);
CREATE INDEX saml_assertions_by_expiry ON saml_assertions (expires_at);
