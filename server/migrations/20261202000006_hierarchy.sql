-- Organization hierarchy (SPEC §17): a parent per organization, who pays,
-- and link requests waiting for a child's Owner.
-- Deleting a parent is refused while it has children (`has_children`); the
-- SET NULL only covers deleting a user whose last organization had some.
ALTER TABLE accounts ADD COLUMN parent_id TEXT REFERENCES accounts (id) ON DELETE SET NULL;
ALTER TABLE accounts ADD COLUMN billing_mode TEXT NOT NULL DEFAULT 'own'
    CHECK (billing_mode IN ('own', 'parent'));
-- Children of a parent in the order of the Children page and the report.
CREATE INDEX accounts_by_parent ON accounts (parent_id, created_at, id) WHERE parent_id IS NOT NULL;

-- The Owners and Admins of an organization: who its descendants inherit.
CREATE INDEX memberships_managers ON memberships (account_id, role) WHERE role IN ('owner', 'admin');

CREATE TABLE link_requests (
    id TEXT PRIMARY KEY,
    parent_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    child_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    requested_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    requested_by_email TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'declined')),
    created_at BIGINT NOT NULL,
    decided_at BIGINT
);
-- One pending request per pair, held by the database.
CREATE UNIQUE INDEX link_requests_pending ON link_requests (parent_id, child_id) WHERE status = 'pending';
CREATE INDEX link_requests_by_child ON link_requests (child_id, created_at);
CREATE INDEX link_requests_by_parent ON link_requests (parent_id, created_at);

-- Hierarchy changes (create child, link, unlink) take this one row's lock, so
-- two racing links are checked one after the other and never make a cycle.
CREATE TABLE hierarchy_lock (id INTEGER PRIMARY KEY, version BIGINT NOT NULL);
INSERT INTO hierarchy_lock (id, version) VALUES (1, 0);
