-- Counting without reading rows: seats (pending, unexpired invitations), expiring
-- due invitations, and owners of an organization are index ranges.
CREATE INDEX invitations_pending ON invitations (account_id, status, expires_at);
CREATE INDEX memberships_by_role ON memberships (account_id, role);
