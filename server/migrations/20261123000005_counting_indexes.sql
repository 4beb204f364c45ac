-- Counting without reading rows: seats (pending, unexpired invitations), expiring
-- due invitations, and the owners of an organization are index ranges. Partial
-- indexes, so only queries that name the status or role can use them (a list
-- ordered by join time keeps its own index).
CREATE INDEX invitations_pending ON invitations (account_id, expires_at) WHERE status = 'pending';
CREATE INDEX memberships_owners ON memberships (account_id) WHERE role = 'owner';
