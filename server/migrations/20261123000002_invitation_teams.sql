-- The teams an invitee joins on accepting.
CREATE TABLE invitation_teams (
    invitation_id TEXT NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    team_id TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('team_admin', 'team_member', 'team_viewer')),
    PRIMARY KEY (invitation_id, team_id)
);
CREATE INDEX invitations_by_account ON invitations (account_id, id);
CREATE INDEX memberships_by_account ON memberships (account_id, joined_at, user_id);
