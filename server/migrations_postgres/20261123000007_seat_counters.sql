-- Seats without counting rows: how many members and pending invitations an
-- account has, kept by triggers in the transaction of every change, so a
-- 100,000-member organization's billing page or next invitation reads one row
-- instead of counting 100,000 index entries. (Tests compare them with COUNT(*)
-- after every kind of change.) No membership or invitation may change between
-- the count below and the triggers' creation.
LOCK TABLE memberships, invitations IN SHARE ROW EXCLUSIVE MODE;

ALTER TABLE accounts ADD COLUMN members_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN pending_invitations BIGINT NOT NULL DEFAULT 0;

UPDATE accounts SET
    members_count = (SELECT COUNT(*) FROM memberships m WHERE m.account_id = accounts.id),
    pending_invitations = (SELECT COUNT(*) FROM invitations i WHERE i.account_id = accounts.id AND i.status = 'pending');

CREATE FUNCTION count_memberships() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE accounts SET members_count = members_count + 1 WHERE id = NEW.account_id;
    ELSE
        UPDATE accounts SET members_count = members_count - 1 WHERE id = OLD.account_id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER memberships_count AFTER INSERT OR DELETE ON memberships
    FOR EACH ROW EXECUTE FUNCTION count_memberships();

CREATE FUNCTION count_pending_invitations() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    delta BIGINT := 0;
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'pending' THEN
        delta := delta + 1;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'pending' THEN
        delta := delta - 1;
    END IF;
    IF delta <> 0 THEN
        UPDATE accounts SET pending_invitations = pending_invitations + delta
        WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.account_id ELSE NEW.account_id END;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER invitations_count AFTER INSERT OR UPDATE OF status OR DELETE ON invitations
    FOR EACH ROW EXECUTE FUNCTION count_pending_invitations();
