//! Organization hierarchy (SPEC §17): parents, link requests, and the roll-up
//! of descendants. `domain::hierarchy` decides; this module reads the facts it
//! needs and writes what it allows.

use super::members::member_from_row;
use super::pool::{Store, WriteTx};
use super::sql::{count, millis, parsed, parsed_opt, split_page, Columns, Statement};
use super::tx::{query, query_scalar};
use crate::error::{ApiError, ApiResult};
use domain::api::{
    ChildView, LinkRequestStatus, LinkRequestView, MemberView, OrganizationRef, ReportTotals,
};
use domain::hierarchy::{self, BillingMode, LinkedOrganization};
use domain::roles::AccountStatus;
use domain::{AccountId, AccountKind, OrgRole, Timestamp, UserId};

/// Takes the hierarchy's lock for the rest of the transaction: changes to the
/// tree (create a child, link, unlink) happen one after another, so two racing
/// links are each checked against the other's result and never close a cycle.
/// Implied where the transaction runs alone (`WriteTx::runs_alone`): not written.
pub async fn lock_hierarchy(tx: &mut WriteTx) -> ApiResult<()> {
    if tx.runs_alone() {
        return Ok(());
    }
    query("UPDATE hierarchy_lock SET version = version + 1 WHERE id = 1")
        .execute(tx)
        .await?;
    Ok(())
}

/// The ancestors of `account`, nearest first (at most two: a hierarchy has
/// three levels).
pub async fn ancestors(tx: &mut WriteTx, account: AccountId) -> ApiResult<Vec<AccountId>> {
    let row = query(
        "SELECT a.parent_id, p.parent_id AS grand_id FROM accounts a
         LEFT JOIN accounts p ON p.id = a.parent_id WHERE a.id = $1",
    )
    .bind(account.to_string())
    .fetch_optional(tx)
    .await?;
    let Some(row) = row else {
        return Ok(Vec::new());
    };
    let mut out = Vec::with_capacity(2);
    out.extend(parsed_opt::<AccountId>(&row, "parent_id")?);
    out.extend(parsed_opt::<AccountId>(&row, "grand_id")?);
    Ok(out)
}

/// An organization as a link sees it: its kind, parent and subtree height;
/// `None` when there is no such account.
pub async fn linked_organization(
    tx: &mut WriteTx,
    account: AccountId,
) -> ApiResult<Option<LinkedOrganization>> {
    let row = query(
        "SELECT a.kind, a.parent_id,
            CAST(CASE WHEN EXISTS (SELECT 1 FROM accounts c WHERE c.parent_id = a.id) THEN 1 ELSE 0 END
                AS BIGINT) AS has_children,
            CAST(CASE WHEN EXISTS (SELECT 1 FROM accounts c JOIN accounts d ON d.parent_id = c.id
                WHERE c.parent_id = a.id) THEN 1 ELSE 0 END AS BIGINT) AS has_grandchildren
         FROM accounts a WHERE a.id = $1",
    )
    .bind(account.to_string())
    .fetch_optional(tx)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let flag =
        |column: &str| -> ApiResult<usize> { Ok(usize::from(row.try_get::<i64>(column)? == 1)) };
    let height = 1 + flag("has_children")? + flag("has_grandchildren")?;
    Ok(Some(LinkedOrganization {
        id: account,
        kind: parsed::<AccountKind>(&row, "kind")?,
        parent: parsed_opt(&row, "parent_id")?,
        height,
    }))
}

/// How many children `account` has.
pub async fn children_count(tx: &mut WriteTx, account: AccountId) -> ApiResult<u64> {
    let n: i64 = query_scalar("SELECT COUNT(*) FROM accounts WHERE parent_id = $1")
        .bind(account.to_string())
        .fetch_one(tx)
        .await?;
    Ok(count(n))
}

/// Puts `child` under `parent` (or makes it a root) with its billing mode.
pub async fn set_parent(
    tx: &mut WriteTx,
    child: AccountId,
    parent: Option<AccountId>,
    billing: BillingMode,
) -> ApiResult<()> {
    query("UPDATE accounts SET parent_id = $2, billing_mode = $3 WHERE id = $1")
        .bind(child.to_string())
        .bind(parent.map(|p| p.to_string()))
        .bind(billing.id())
        .execute(tx)
        .await?;
    Ok(())
}

/// Sets who pays for `account`.
pub async fn set_billing_mode(
    tx: &mut WriteTx,
    account: AccountId,
    billing: BillingMode,
) -> ApiResult<()> {
    query("UPDATE accounts SET billing_mode = $2 WHERE id = $1")
        .bind(account.to_string())
        .bind(billing.id())
        .execute(tx)
        .await?;
    Ok(())
}

/// Who pays for a child billed to its parent: the nearest of `ancestors`
/// (nearest first) that is not itself billed to its parent.
pub async fn payer(tx: &mut WriteTx, ancestors: &[AccountId]) -> ApiResult<AccountId> {
    for (i, ancestor) in ancestors.iter().enumerate() {
        let mode: String = query_scalar("SELECT billing_mode FROM accounts WHERE id = $1")
            .bind(ancestor.to_string())
            .fetch_one(tx)
            .await?;
        let last = i + 1 == ancestors.len();
        if last || mode.parse::<BillingMode>().ok() != Some(BillingMode::Parent) {
            return Ok(*ancestor);
        }
    }
    Err(ApiError::Internal(
        "a child billed to its parent has no parent".into(),
    ))
}

/// Moves `account`'s credit to `payer` (a child starting to bill its parent
/// keeps no credit of its own, and would be suspended on its own again);
/// returns the amount moved.
pub async fn move_credit(tx: &mut WriteTx, account: AccountId, payer: AccountId) -> ApiResult<i64> {
    let credit: i64 = query_scalar("SELECT credit_cents FROM accounts WHERE id = $1")
        .bind(account.to_string())
        .fetch_one(tx)
        .await?;
    if credit > 0 {
        query("UPDATE accounts SET credit_cents = 0, status = 'suspended' WHERE id = $1")
            .bind(account.to_string())
            .execute(tx)
            .await?;
        query(
            "UPDATE accounts SET credit_cents = credit_cents + $2, status = 'active' WHERE id = $1",
        )
        .bind(payer.to_string())
        .bind(credit)
        .execute(tx)
        .await?;
    }
    Ok(credit)
}

/// The Owners' emails of `account`, to tell them of a link request.
pub async fn owner_emails(tx: &mut WriteTx, account: AccountId) -> ApiResult<Vec<String>> {
    let emails = query_scalar(
        "SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id
         WHERE m.account_id = $1 AND m.role = 'owner' ORDER BY m.joined_at",
    )
    .bind(account.to_string())
    .fetch_all(tx)
    .await?;
    Ok(emails)
}

const LINK_REQUEST_SELECT: &str = "SELECT r.id, r.parent_id, p.name AS parent_name, r.child_id,
    c.name AS child_name, r.requested_by_email, r.status, r.created_at
    FROM link_requests r JOIN accounts p ON p.id = r.parent_id JOIN accounts c ON c.id = r.child_id";

fn link_request_from_row(row: &dyn Columns) -> ApiResult<LinkRequestView> {
    Ok(LinkRequestView {
        id: row.get("id")?,
        parent: OrganizationRef {
            id: parsed(row, "parent_id")?,
            name: row.get("parent_name")?,
        },
        child: OrganizationRef {
            id: parsed(row, "child_id")?,
            name: row.get("child_name")?,
        },
        requested_by: row.get("requested_by_email")?,
        status: parsed(row, "status")?,
        created_at: millis(row, "created_at")?,
    })
}

/// A new pending request to link `child` under `parent`; `None` when one is
/// pending already (the partial unique index decides, under any race).
pub async fn insert_link_request(
    tx: &mut WriteTx,
    parent: AccountId,
    child: AccountId,
    by: (UserId, &str),
    now: Timestamp,
) -> ApiResult<Option<LinkRequestView>> {
    let id = uuid::Uuid::now_v7().to_string();
    let done = query(
        "INSERT INTO link_requests (id, parent_id, child_id, requested_by, requested_by_email, status, created_at)
         VALUES ($1, $2, $3, $4, $5, 'pending', $6) ON CONFLICT DO NOTHING",
    )
    .bind(&id)
    .bind(parent.to_string())
    .bind(child.to_string())
    .bind(by.0.to_string())
    .bind(by.1)
    .bind(now.as_millis())
    .execute(tx)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(None);
    }
    link_request(tx, &id).await
}

/// One link request.
pub async fn link_request(tx: &mut WriteTx, id: &str) -> ApiResult<Option<LinkRequestView>> {
    let row = query(format!("{LINK_REQUEST_SELECT} WHERE r.id = $1"))
        .bind(id)
        .fetch_optional(tx)
        .await?;
    row.as_ref()
        .map(|row| link_request_from_row(row))
        .transpose()
}

/// Answers a pending request; `false` when it was answered meanwhile.
pub async fn answer_link_request(
    tx: &mut WriteTx,
    id: &str,
    status: LinkRequestStatus,
    now: Timestamp,
) -> ApiResult<bool> {
    let done = query(
        "UPDATE link_requests SET status = $2, decided_at = $3 WHERE id = $1 AND status = 'pending'",
    )
    .bind(id)
    .bind(status.id())
    .bind(now.as_millis())
    .execute(tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Children, and their children, of one organization, as the roll-up shows
/// them. `$1` is the organization, `$2` its own status (what a child billed to
/// it has).
const DESCENDANTS: &str = "SELECT c.id, c.name, c.parent_id, 1 AS depth, c.billing_mode,
        CASE WHEN c.billing_mode = 'parent' THEN $2 ELSE c.status END AS status,
        c.members_count, c.created_at,
        (SELECT COUNT(*) FROM instances i WHERE i.account_id = c.id) AS instances
    FROM accounts c WHERE c.parent_id = $1
    UNION ALL
    SELECT d.id, d.name, d.parent_id, 2 AS depth, d.billing_mode,
        CASE WHEN d.billing_mode <> 'parent' THEN d.status
             WHEN c.billing_mode = 'parent' THEN $2 ELSE c.status END AS status,
        d.members_count, d.created_at,
        (SELECT COUNT(*) FROM instances i WHERE i.account_id = d.id) AS instances
    FROM accounts c JOIN accounts d ON d.parent_id = c.id WHERE c.parent_id = $1";

fn child_from_row(row: &dyn Columns) -> ApiResult<ChildView> {
    Ok(ChildView {
        id: parsed(row, "id")?,
        name: row.get("name")?,
        parent_id: parsed(row, "parent_id")?,
        depth: u8::try_from(row.get::<i64>("depth")?).unwrap_or(u8::MAX),
        billing_mode: parsed(row, "billing_mode")?,
        status: parsed(row, "status")?,
        members: count(row.get("members_count")?),
        instances: count(row.get("instances")?),
        created_at: millis(row, "created_at")?,
    })
}

/// Where a page of descendants continues: after this creation time and id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChildCursor {
    pub created_at: i64,
    pub id: String,
}

impl ChildCursor {
    pub fn encode(&self) -> String {
        format!("{}_{}", self.created_at, self.id)
    }

    pub fn decode(text: &str) -> Option<Self> {
        let (created_at, id) = text.split_once('_')?;
        id.parse::<AccountId>().ok()?;
        Some(Self {
            created_at: created_at.parse().ok()?,
            id: id.to_owned(),
        })
    }
}

impl Store {
    /// A page of `account`'s descendants (children only unless `deep`) in the
    /// order they were created; `status` is `account`'s own, as its caller sees it.
    pub async fn descendants(
        &self,
        account: AccountId,
        status: AccountStatus,
        deep: bool,
        after: Option<&ChildCursor>,
        limit: usize,
    ) -> ApiResult<(Vec<ChildView>, Option<ChildCursor>)> {
        let mut sql = format!("SELECT * FROM ({DESCENDANTS}) x WHERE 1 = 1");
        if !deep {
            sql.push_str(" AND x.depth = 1");
        }
        if after.is_some() {
            sql.push_str(" AND (x.created_at, x.id) > ($3, $4)");
        }
        sql.push_str(&format!(" ORDER BY x.created_at, x.id LIMIT {}", limit + 1));
        let mut statement = Statement::of(sql, [account.to_string().into(), status.id().into()]);
        if let Some(cursor) = after {
            statement.binds.push(cursor.created_at.into());
            statement.binds.push(cursor.id.as_str().into());
        }
        let items = self.read_all(statement, child_from_row).await?;
        Ok(split_page(items, limit, |c| ChildCursor {
            created_at: c.created_at.as_millis(),
            id: c.id.to_string(),
        }))
    }

    /// The totals of every descendant of `account`.
    pub async fn descendant_totals(
        &self,
        account: AccountId,
        status: AccountStatus,
    ) -> ApiResult<ReportTotals> {
        let statement = Statement::of(format!(
            // Sums cast back to BIGINT: PostgreSQL sums bigints as numeric.
            "SELECT COUNT(*) AS organizations,
                CAST(COALESCE(SUM(x.members_count), 0) AS BIGINT) AS members,
                CAST(COALESCE(SUM(x.instances), 0) AS BIGINT) AS instances,
                CAST(COALESCE(SUM(CASE WHEN x.status = 'active' THEN 1 ELSE 0 END), 0) AS BIGINT) AS active,
                CAST(COALESCE(SUM(CASE WHEN x.billing_mode = 'parent' THEN 1 ELSE 0 END), 0) AS BIGINT)
                    AS billed
             FROM ({DESCENDANTS}) x"
        ), [account.to_string().into(), status.id().into()]);
        self.read_one(statement, |row| {
            let number = |column: &str| -> ApiResult<u64> { Ok(count(row.get(column)?)) };
            let organizations = number("organizations")?;
            let active = number("active")?;
            Ok(ReportTotals {
                organizations,
                members: number("members")?,
                instances: number("instances")?,
                active,
                suspended: organizations - active.min(organizations),
                billed_to_parent: number("billed")?,
            })
        })
        .await
    }

    /// The ids of `account`'s descendants (for the activity across them).
    pub async fn descendant_ids(&self, account: AccountId) -> ApiResult<Vec<AccountId>> {
        let statement = Statement::of(
            "SELECT c.id FROM accounts c WHERE c.parent_id = $1
             UNION ALL SELECT d.id FROM accounts c JOIN accounts d ON d.parent_id = c.id WHERE c.parent_id = $1",
            [account.to_string().into()],
        );
        self.read_all(statement, |row| parsed(row, "id")).await
    }

    /// The link requests `account` sent (as parent) or received (as child),
    /// newest first.
    pub async fn link_requests(&self, account: AccountId) -> ApiResult<Vec<LinkRequestView>> {
        let statement = Statement::of(
            format!(
                "SELECT * FROM ({LINK_REQUEST_SELECT} WHERE r.child_id = $1
                    UNION ALL {LINK_REQUEST_SELECT} WHERE r.parent_id = $1) x
                 ORDER BY x.created_at DESC, x.id DESC LIMIT 200"
            ),
            [account.to_string().into()],
        );
        self.read_all(statement, link_request_from_row).await
    }

    /// The Owners and Admins of `account`'s ancestors who are not its members:
    /// they act here with that role (SPEC §17), shown first in its members list.
    pub async fn inherited_members(&self, account: AccountId) -> ApiResult<Vec<MemberView>> {
        let statement = Statement::of(
            "WITH up AS (
                SELECT p.id, p.name, 1 AS level FROM accounts c JOIN accounts p ON p.id = c.parent_id WHERE c.id = $1
                UNION ALL
                SELECT g.id, g.name, 2 AS level FROM accounts c JOIN accounts p ON p.id = c.parent_id
                    JOIN accounts g ON g.id = p.parent_id WHERE c.id = $1)
             SELECT m.user_id, u.email, u.name, m.role, m.joined_at, up.id AS from_id, up.name AS from_name,
                CAST(CASE WHEN u.totp_secret IS NULL THEN 0 ELSE 1 END AS BIGINT) AS two_factor
             FROM up JOIN memberships m ON m.account_id = up.id AND m.role IN ('owner', 'admin')
             JOIN users u ON u.id = m.user_id
             WHERE NOT EXISTS (SELECT 1 FROM memberships d WHERE d.account_id = $1 AND d.user_id = m.user_id)
             ORDER BY up.level, m.joined_at, m.user_id LIMIT 200",
            [account.to_string().into()],
        );
        let rows = self
            .read_all(statement, |row| {
                let member = member_from_row(row)?;
                let from = OrganizationRef {
                    id: parsed(row, "from_id")?,
                    name: row.get("from_name")?,
                };
                Ok((member, from))
            })
            .await?;
        // Each person once, with their roles in the ancestors (nearest first).
        let mut people: Vec<(MemberView, Vec<(AccountId, OrgRole)>)> = Vec::new();
        let mut names: Vec<OrganizationRef> = Vec::new();
        for (member, from) in rows {
            let role = member.role;
            if !names.iter().any(|n| n.id == from.id) {
                names.push(from.clone());
            }
            if let Some((_, roles)) = people.iter_mut().find(|(m, _)| m.user_id == member.user_id) {
                roles.push((from.id, role));
                continue;
            }
            people.push((member, vec![(from.id, role)]));
        }
        Ok(people
            .into_iter()
            .filter_map(|(mut member, roles)| {
                // The role they act with here is `domain`'s to decide.
                let access = hierarchy::access(None, &roles)?;
                member.role = access.role;
                member.inherited_from = access
                    .inherited_from
                    .and_then(|id| names.iter().find(|n| n.id == id).cloned());
                Some(member)
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn child_cursors_round_trip_and_refuse_junk() {
        let id = AccountId::from_uuid(uuid::Uuid::from_u128(3)).to_string();
        let cursor = ChildCursor {
            created_at: 42,
            id: id.clone(),
        };
        assert_eq!(ChildCursor::decode(&cursor.encode()), Some(cursor));
        assert_eq!(ChildCursor::decode("42"), None);
        assert_eq!(ChildCursor::decode("x_y"), None);
        assert_eq!(ChildCursor::decode(&format!("x_{id}")), None);
    }
}
