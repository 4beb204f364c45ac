-- Verified domains (SPEC §16): an organization proves it owns a domain with a
-- TXT record `_orgspace-challenge.{domain}` holding the domain's token.
CREATE TABLE domains (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    domain TEXT NOT NULL,
    token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    verified_at BIGINT,
    UNIQUE (account_id, domain)
);
-- One organization per verified domain, held by the database itself.
CREATE UNIQUE INDEX domains_verified_once ON domains (domain) WHERE verified_at IS NOT NULL;
CREATE INDEX domains_by_name ON domains (domain);
