-- Seats without counting rows: how many members and pending invitations an
-- account has, kept by triggers in the transaction of every change, so a
-- 100,000-member organization's billing page or next invitation reads one row
-- instead of counting 100,000 index entries. (The counts were exact before and
-- stay exact: tests compare them with COUNT(*) after every kind of change.)
ALTER TABLE accounts ADD COLUMN members_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN pending_invitations BIGINT NOT NULL DEFAULT 0;

UPDATE accounts SET
    members_count = (SELECT COUNT(*) FROM memberships m WHERE m.account_id = accounts.id),
    pending_invitations = (SELECT COUNT(*) FROM invitations i WHERE i.account_id = accounts.id AND i.status = 'pending');

CREATE TRIGGER memberships_count_insert AFTER INSERT ON memberships BEGIN
    UPDATE accounts SET members_count = members_count + 1 WHERE id = new.account_id;
END;

CREATE TRIGGER memberships_count_delete AFTER DELETE ON memberships BEGIN
    UPDATE accounts SET members_count = members_count - 1 WHERE id = old.account_id;
END;

CREATE TRIGGER invitations_count_insert AFTER INSERT ON invitations WHEN new.status = 'pending' BEGIN
    UPDATE accounts SET pending_invitations = pending_invitations + 1 WHERE id = new.account_id;
END;

CREATE TRIGGER invitations_count_update AFTER UPDATE OF status ON invitations
WHEN (old.status = 'pending') <> (new.status = 'pending') BEGIN
    UPDATE accounts SET pending_invitations = pending_invitations + (CASE WHEN new.status = 'pending' THEN 1 ELSE -1 END)
    WHERE id = new.account_id;
END;

CREATE TRIGGER invitations_count_delete AFTER DELETE ON invitations WHEN old.status = 'pending' BEGIN
    UPDATE accounts SET pending_invitations = pending_invitations - 1 WHERE id = old.account_id;
END;
