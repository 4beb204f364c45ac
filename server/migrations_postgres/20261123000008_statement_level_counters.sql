-- The seat counters' triggers once per statement instead of once per row: a
-- multi-row INSERT (the seed command writes 500 rows a statement) then updates
-- each account it touches once, with the number of rows, instead of once per
-- row. Transition tables may not serve several events or a column list, hence
-- one trigger per event.
LOCK TABLE memberships, invitations IN SHARE ROW EXCLUSIVE MODE;

DROP TRIGGER memberships_count ON memberships;
DROP TRIGGER invitations_count ON invitations;
DROP FUNCTION count_memberships();
DROP FUNCTION count_pending_invitations();

CREATE FUNCTION count_memberships() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE accounts a SET members_count = a.members_count + d.n
        FROM (SELECT account_id, COUNT(*) AS n FROM new_rows GROUP BY account_id) d
        WHERE a.id = d.account_id;
    ELSE
        UPDATE accounts a SET members_count = a.members_count - d.n
        FROM (SELECT account_id, COUNT(*) AS n FROM old_rows GROUP BY account_id) d
        WHERE a.id = d.account_id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER memberships_count_insert AFTER INSERT ON memberships
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION count_memberships();
CREATE TRIGGER memberships_count_delete AFTER DELETE ON memberships
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION count_memberships();

CREATE FUNCTION count_pending_invitations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE accounts a SET pending_invitations = a.pending_invitations + d.n
        FROM (SELECT account_id, COUNT(*) AS n FROM new_rows WHERE status = 'pending' GROUP BY account_id) d
        WHERE a.id = d.account_id;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE accounts a SET pending_invitations = a.pending_invitations - d.n
        FROM (SELECT account_id, COUNT(*) AS n FROM old_rows WHERE status = 'pending' GROUP BY account_id) d
        WHERE a.id = d.account_id;
    ELSE
        UPDATE accounts a SET pending_invitations = a.pending_invitations + d.n
        FROM (SELECT account_id, SUM(n) AS n FROM (
                SELECT account_id, COUNT(*) AS n FROM new_rows WHERE status = 'pending' GROUP BY account_id
                UNION ALL
                SELECT account_id, -COUNT(*) AS n FROM old_rows WHERE status = 'pending' GROUP BY account_id
              ) changes GROUP BY account_id) d
        WHERE a.id = d.account_id AND d.n <> 0;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER invitations_count_insert AFTER INSERT ON invitations
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION count_pending_invitations();
CREATE TRIGGER invitations_count_update AFTER UPDATE ON invitations
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION count_pending_invitations();
CREATE TRIGGER invitations_count_delete AFTER DELETE ON invitations
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION count_pending_invitations();
