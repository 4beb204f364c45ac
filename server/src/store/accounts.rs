//! Accounts and memberships: how a member sees an account, locking it, and
//! inserting and deleting accounts and memberships.

use super::pool::{Store, WriteTx};
use super::sql::{millis, millis_opt, parsed, parsed_opt, Columns, Statement};
use super::tx::{query, query_scalar};
use crate::error::{ApiError, ApiResult};
use domain::api::{AccountView, OrganizationRef};
use domain::hierarchy::{self, Access, BillingMode};
use domain::roles::{decide, grant, AccountStatus, Grant};
use domain::rules::Headcount;
use domain::text::{BillingAddress, BillingAddressInput};
use domain::{
    AccountId, AccountKind, Denial, OrgRole, Permission, Plan, Region, Timestamp, UserId,
};
use std::sync::LazyLock;

/// An account as one member sees it: the account and that member's role.
#[derive(Clone, Debug)]
pub struct AccountRow {
    pub id: AccountId,
    pub kind: AccountKind,
    pub name: String,
    pub slug: Option<String>,
    pub status: AccountStatus,
    pub credit_cents: i64,
    pub plan: Plan,
    pub region: Option<Region>,
    pub billing_address: Option<BillingAddress>,
    pub created_at: Timestamp,
    pub role: OrgRole,
    /// Since when members need two-factor here (SPEC §15).
    pub two_factor_required_at: Option<Timestamp>,
    /// The parent organization (SPEC §17).
    pub parent: Option<OrganizationRef>,
    pub billing_mode: BillingMode,
    /// The ancestor the member's role comes from; `None` for a direct member.
    pub inherited_from: Option<OrganizationRef>,
    /// How many members it has (the trigger-kept counter), read with the
    /// access: how a page of its rows is planned ([`Store::keep_plan_for`]),
    /// and, read under the account's lock, the members a limit counts
    /// ([`AccountRow::member_count`]).
    pub members: i64,
}

/// An account with the caller's direct role and, through its parent and
/// grandparent (a hierarchy has at most 3 levels), the roles they may inherit
/// and the status of whoever pays. `$2` is the caller.
/// The columns of the access query: the account `a` as one user sees it.
pub(super) const ACCOUNT_COLUMNS: &str = "a.id, a.kind, a.name, a.slug, a.status, a.credit_cents, a.plan, a.region,
    a.billing_name, a.billing_street, a.billing_city, a.billing_postal_code, a.billing_country, a.created_at,
    a.two_factor_required_at, a.billing_mode, a.members_count, m.role,
    p.id AS parent_id, p.name AS parent_name, p.status AS parent_status, p.billing_mode AS parent_billing_mode,
    pm.role AS parent_role,
    g.id AS grand_id, g.name AS grand_name, g.status AS grand_status, gm.role AS grand_role";

/// The joins of the access query after the account `a`: `user`'s membership
/// in it and in its parent and grandparent (three levels at most, SPEC §17;
/// all by primary key).
pub(super) fn account_joins(user: &str) -> String {
    format!(
        "LEFT JOIN memberships m ON m.account_id = a.id AND m.user_id = {user}
    LEFT JOIN accounts p ON p.id = a.parent_id
    LEFT JOIN memberships pm ON pm.account_id = p.id AND pm.user_id = {user}
    LEFT JOIN accounts g ON g.id = p.parent_id
    LEFT JOIN memberships gm ON gm.account_id = g.id AND gm.user_id = {user}"
    )
}

/// The access query for the user `$2`.
static ACCOUNT_SELECT: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {ACCOUNT_COLUMNS} FROM accounts a {}",
        account_joins("$2")
    )
});

/// The accounts of the user `$1` ([`Store::accounts_of`]).
///
/// The children and grandchildren are found from the user's memberships
/// outwards: `CROSS JOIN` is SQLite's way to fix that order (PostgreSQL plans
/// it as the inner join it is). Left to itself, SQLite's planner walked every
/// child account in the database and kept those under the user's memberships
/// when `ANALYZE` had last seen few children: 14.8 ms instead of 0.5 for a
/// user with 26 accounts among 20,000 children (bench/README.md).
static ACCOUNTS_OF: LazyLock<String> = LazyLock::new(|| accounts_of_with(""));

/// [`ACCOUNTS_OF`] with `extra` columns after the account's (`, …`), on every row.
pub(super) fn accounts_of_with(extra: &str) -> String {
    format!(
        "SELECT {ACCOUNT_COLUMNS}{extra} FROM accounts a {}
         WHERE a.id IN (
            SELECT account_id FROM memberships WHERE user_id = $1
            UNION SELECT c.id FROM memberships o CROSS JOIN accounts c
                WHERE o.user_id = $1 AND o.role IN ('owner', 'admin') AND c.parent_id = o.account_id
            UNION SELECT d.id FROM memberships o CROSS JOIN accounts c CROSS JOIN accounts d
                WHERE o.user_id = $1 AND o.role IN ('owner', 'admin')
                    AND c.parent_id = o.account_id AND d.parent_id = c.id)
         ORDER BY CASE WHEN a.kind = 'personal' THEN 0 ELSE 1 END,
            CASE WHEN m.joined_at IS NULL THEN 1 ELSE 0 END, m.joined_at, a.created_at, a.id",
        account_joins("$2")
    )
}

/// One account as the user `$2` sees it ([`Store::account_for`]).
static ACCOUNT_FOR: LazyLock<String> =
    LazyLock::new(|| format!("{} WHERE a.id = $1", ACCOUNT_SELECT.as_str()));

/// An ancestor as the access query reads it: id, name, status, the caller's role.
struct Ancestor {
    id: AccountId,
    name: String,
    status: AccountStatus,
    role: Option<OrgRole>,
}

fn ancestor(row: &dyn Columns, prefix: &str) -> ApiResult<Option<Ancestor>> {
    let Some(id) = parsed_opt::<AccountId>(row, &format!("{prefix}_id"))? else {
        return Ok(None);
    };
    Ok(Some(Ancestor {
        id,
        name: row.get(&format!("{prefix}_name"))?,
        status: parsed(row, &format!("{prefix}_status"))?,
        role: parsed_opt(row, &format!("{prefix}_role"))?,
    }))
}

impl AccountRow {
    /// Its members as the rules count them: read after the account's lock
    /// (`AccountTx::account`), this holds until the transaction changes a
    /// membership.
    pub fn member_count(&self) -> u32 {
        u32::try_from(self.members).unwrap_or(u32::MAX)
    }

    /// The account as the caller sees it, or `None` when they have no access
    /// (neither a member nor an Owner or Admin of an ancestor).
    pub(super) fn from_row(row: &dyn Columns) -> ApiResult<Option<Self>> {
        let parent = ancestor(row, "parent")?;
        let grand = ancestor(row, "grand")?;
        let above: Vec<(AccountId, OrgRole)> = [&parent, &grand]
            .into_iter()
            .flatten()
            .filter_map(|a| a.role.map(|role| (a.id, role)))
            .collect();
        let Some(access) = hierarchy::access(parsed_opt(row, "role")?, &above) else {
            return Ok(None);
        };
        let billing_mode: BillingMode = parsed(row, "billing_mode")?;
        // Whoever pays: the parent, or the grandparent when the parent is billed to it too.
        let parent_billing: Option<BillingMode> = parsed_opt(row, "parent_billing_mode")?;
        let payer = match (&parent, parent_billing) {
            (Some(_), Some(BillingMode::Parent)) => grand.as_ref().or(parent.as_ref()),
            _ => parent.as_ref(),
        };
        let own_status: AccountStatus = parsed(row, "status")?;
        let status = hierarchy::effective_status(billing_mode, own_status, payer.map(|p| p.status));
        let name_of = |id: AccountId| {
            [&parent, &grand]
                .into_iter()
                .flatten()
                .find(|a| a.id == id)
                .map(|a| OrganizationRef {
                    id,
                    name: a.name.clone(),
                })
        };
        let billing_name: Option<String> = row.get("billing_name")?;
        let billing_address = match billing_name {
            None => None,
            Some(name) => {
                let input = BillingAddressInput {
                    name,
                    street: row
                        .get::<Option<String>>("billing_street")?
                        .unwrap_or_default(),
                    city: row
                        .get::<Option<String>>("billing_city")?
                        .unwrap_or_default(),
                    postal_code: row
                        .get::<Option<String>>("billing_postal_code")?
                        .unwrap_or_default(),
                    country: row
                        .get::<Option<String>>("billing_country")?
                        .unwrap_or_default(),
                };
                Some(input.parse("").map_err(|e| {
                    ApiError::Internal(format!("stored billing address is invalid: {e:?}"))
                })?)
            }
        };
        Ok(Some(Self {
            id: parsed(row, "id")?,
            kind: parsed(row, "kind")?,
            name: row.get("name")?,
            slug: row.get("slug")?,
            status,
            credit_cents: row.get("credit_cents")?,
            plan: parsed(row, "plan")?,
            region: parsed_opt(row, "region")?,
            billing_address,
            created_at: millis(row, "created_at")?,
            role: access.role,
            two_factor_required_at: millis_opt(row, "two_factor_required_at")?,
            parent: parent.as_ref().map(|p| OrganizationRef {
                id: p.id,
                name: p.name.clone(),
            }),
            billing_mode,
            inherited_from: access.inherited_from.and_then(name_of),
            members: row.get("members_count")?,
        }))
    }

    /// How the caller acts here: their role and where it comes from.
    pub fn access(&self) -> Access {
        Access {
            role: self.role,
            inherited_from: self.inherited_from.as_ref().map(|a| a.id),
        }
    }

    /// Whether members need two-factor to work here.
    pub fn requires_two_factor(&self) -> bool {
        self.two_factor_required_at.is_some()
    }

    /// Whether the member's role here has `permission` (`domain` decides).
    pub fn decide(&self, permission: Permission) -> Result<(), Denial> {
        decide(self.kind, self.role, permission)
    }

    /// The wire form; the billing address only for those who may view billing.
    pub fn view(&self) -> AccountView {
        let sees_billing = grant(self.role, Permission::ManageBilling) == Grant::Yes;
        AccountView {
            id: self.id,
            kind: self.kind,
            name: self.name.clone(),
            slug: self.slug.clone(),
            role: self.role,
            status: self.status,
            region: self.region,
            plan: self.plan,
            credit_cents: self.credit_cents,
            billing_address: self.billing_address.clone().filter(|_| sees_billing),
            require_two_factor: self.requires_two_factor(),
            created_at: self.created_at,
            parent_id: self.parent.as_ref().map(|p| p.id),
            billing_mode: self.billing_mode,
            inherited_from: self.inherited_from.clone(),
        }
    }
}

/// A new account to insert.
#[derive(Debug)]
pub struct NewAccount<'a> {
    pub id: AccountId,
    pub kind: AccountKind,
    pub name: &'a str,
    pub slug: Option<&'a str>,
    pub personal_user_id: Option<UserId>,
    pub status: AccountStatus,
    pub plan: Plan,
    pub region: Option<Region>,
    pub billing_address: Option<&'a BillingAddress>,
    /// The parent and who pays, for a child organization (SPEC §17).
    pub parent: Option<(AccountId, BillingMode)>,
}

impl Store {
    /// The caller's accounts: personal first, then organizations in the order
    /// joined, then the descendants they reach as an ancestor's Owner or Admin.
    pub async fn accounts_of(&self, user: UserId) -> ApiResult<Vec<AccountRow>> {
        // `$1` picks the accounts, `$2` (the same user) is the select's caller.
        let statement = Statement::of(
            ACCOUNTS_OF.as_str(),
            [user.to_string().into(), user.to_string().into()],
        );
        let rows = self.read_all(statement, AccountRow::from_row).await?;
        Ok(rows.into_iter().flatten().collect())
    }

    /// The account as `user` sees it, or 404 when they are not a member.
    pub async fn member_account(&self, account: AccountId, user: UserId) -> ApiResult<AccountRow> {
        self.account_for(account, user)
            .await?
            .ok_or(ApiError::NotFound("account"))
    }

    /// The account as `user` sees it, or `None` if they are not a member.
    pub async fn account_for(
        &self,
        account: AccountId,
        user: UserId,
    ) -> ApiResult<Option<AccountRow>> {
        let statement = Statement::of(
            ACCOUNT_FOR.as_str(),
            [account.to_string().into(), user.to_string().into()],
        );
        Ok(self
            .read_optional(statement, AccountRow::from_row)
            .await?
            .flatten())
    }
}

/// The account as `user` sees it, read inside the transaction without its lock.
pub async fn account_in(
    tx: &mut WriteTx,
    account: AccountId,
    user: UserId,
) -> ApiResult<Option<AccountRow>> {
    let row = query(ACCOUNT_FOR.as_str())
        .bind(account.to_string())
        .bind(user.to_string())
        .fetch_optional(tx)
        .await?;
    Ok(match row {
        Some(row) => AccountRow::from_row(&row)?,
        None => None,
    })
}

/// The account as `user` sees it after its lock, or 404 when they are not a member.
pub async fn locked_member_account(
    tx: &mut WriteTx,
    account: AccountId,
    user: UserId,
) -> ApiResult<AccountRow> {
    locked_account_for(tx, account, user)
        .await?
        .ok_or(ApiError::NotFound("account"))
}

/// The account as `user` sees it, read inside the transaction after its lock.
pub async fn locked_account_for(
    tx: &mut WriteTx,
    account: AccountId,
    user: UserId,
) -> ApiResult<Option<AccountRow>> {
    lock_account(tx, account).await?;
    account_in(tx, account, user).await
}

/// Takes the account's row lock for the rest of the transaction (implied
/// where the transaction runs alone, `WriteTx::runs_alone`: not taken).
pub async fn lock_account(tx: &mut WriteTx, account: AccountId) -> ApiResult<()> {
    if tx.runs_alone() {
        return Ok(());
    }
    query(LOCK_ACCOUNT)
        .bind(account.to_string())
        .execute(tx)
        .await?;
    Ok(())
}

/// The account's row lock on PostgreSQL: the strength an `UPDATE` of a column
/// that is no key takes (it waits for another such lock or update, not for
/// rows being inserted that refer to the account), without writing a new
/// version of the row, as `UPDATE … SET lock_version = lock_version + 1` did
/// on every write (bench/README.md, "Writes on PostgreSQL: the account's lock
/// and what runs under it").
/// A statement of its own: the reads after it see what the previous holder
/// committed, where a locking read's joined rows would be its snapshot's.
const LOCK_ACCOUNT: &str = "SELECT 1 FROM accounts WHERE id = $1 FOR NO KEY UPDATE";

/// How many organizations `user` belongs to that count against the limit:
/// top-level ones (children live within their hierarchy, SPEC §17).
pub async fn count_organizations(tx: &mut WriteTx, user: UserId) -> ApiResult<u32> {
    let n: i64 = query_scalar(
        "SELECT COUNT(*) FROM memberships m JOIN accounts a ON a.id = m.account_id
         WHERE m.user_id = $1 AND a.kind = 'organization' AND a.parent_id IS NULL",
    )
    .bind(user.to_string())
    .fetch_one(tx)
    .await?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Members and Owners of the account `a` (`$1`): members from its
/// trigger-kept counter, Owners by the partial index of owners (a handful of
/// entries).
const HEADCOUNT_COLUMNS: &str = "a.members_count,
    (SELECT COUNT(*) FROM memberships o WHERE o.account_id = $1 AND o.role = 'owner') AS owners";

static HEADCOUNT: LazyLock<String> =
    LazyLock::new(|| format!("SELECT {HEADCOUNT_COLUMNS} FROM accounts a WHERE a.id = $1"));

/// The member `$2`'s role with the headcount of the account `$1`.
static MEMBER_STANDING: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT m.role, {HEADCOUNT_COLUMNS}
         FROM memberships m JOIN accounts a ON a.id = m.account_id
         WHERE m.account_id = $1 AND m.user_id = $2"
    )
});

/// Members and Owners of an account.
pub async fn headcount(tx: &mut WriteTx, account: AccountId) -> ApiResult<Headcount> {
    let row = query(HEADCOUNT.as_str())
        .bind(account.to_string())
        .fetch_one(tx)
        .await?;
    headcount_of(&row)
}

/// A member's role and the account's headcount, read together: the rules on
/// the last Owner and the last member need both (`None`: not a member).
pub async fn member_standing(
    tx: &mut WriteTx,
    account: AccountId,
    user: UserId,
) -> ApiResult<Option<(OrgRole, Headcount)>> {
    let row = query(MEMBER_STANDING.as_str())
        .bind(account.to_string())
        .bind(user.to_string())
        .fetch_optional(tx)
        .await?;
    match row {
        Some(row) => Ok(Some((parsed(&row, "role")?, headcount_of(&row)?))),
        None => Ok(None),
    }
}

fn headcount_of(row: &dyn Columns) -> ApiResult<Headcount> {
    let (members, owners): (i64, i64) = (row.get("members_count")?, row.get("owners")?);
    Ok(Headcount {
        n_members: u32::try_from(members).unwrap_or(u32::MAX),
        n_owners: u32::try_from(owners).unwrap_or(u32::MAX),
    })
}

/// The slugs in use that start with `base` (`acme`, `acme-2`, …).
pub async fn slugs_like(tx: &mut WriteTx, base: &str) -> ApiResult<Vec<String>> {
    let slugs = query_scalar("SELECT slug FROM accounts WHERE slug = $1 OR slug LIKE $2")
        .bind(base)
        .bind(format!("{base}-%"))
        .fetch_all(tx)
        .await?;
    Ok(slugs)
}

/// Inserts an account; `false` if its slug was taken meanwhile.
pub async fn insert_account(
    tx: &mut WriteTx,
    account: &NewAccount<'_>,
    now: Timestamp,
) -> ApiResult<bool> {
    let address = account.billing_address;
    let done = query(
        "INSERT INTO accounts (id, kind, name, slug, personal_user_id, status, credit_cents, plan, region,
            billing_name, billing_street, billing_city, billing_postal_code, billing_country, created_at,
            parent_id, billing_mode)
         VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
         ON CONFLICT DO NOTHING",
    )
    .bind(account.id.to_string())
    .bind(account.kind.id())
    .bind(account.name)
    .bind(account.slug)
    .bind(account.personal_user_id.map(|u| u.to_string()))
    .bind(account.status.id())
    .bind(account.plan.id())
    .bind(account.region.map(Region::id))
    .bind(address.map(|a| a.name.to_string()))
    .bind(address.map(|a| a.street.to_string()))
    .bind(address.map(|a| a.city.to_string()))
    .bind(address.map(|a| a.postal_code.to_string()))
    .bind(address.map(|a| a.country.as_str().to_owned()))
    .bind(now.as_millis())
    .bind(account.parent.map(|(p, _)| p.to_string()))
    .bind(account.parent.map_or(BillingMode::Own, |(_, b)| b).id())
    .execute(tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn insert_membership(
    tx: &mut WriteTx,
    account: AccountId,
    user: UserId,
    role: OrgRole,
    now: Timestamp,
) -> ApiResult<()> {
    query("INSERT INTO memberships (account_id, user_id, role, joined_at) VALUES ($1, $2, $3, $4)")
        .bind(account.to_string())
        .bind(user.to_string())
        .bind(role.id())
        .bind(now.as_millis())
        .execute(tx)
        .await?;
    Ok(())
}

pub async fn delete_membership(
    tx: &mut WriteTx,
    account: AccountId,
    user: UserId,
) -> ApiResult<()> {
    query("DELETE FROM memberships WHERE account_id = $1 AND user_id = $2")
        .bind(account.to_string())
        .bind(user.to_string())
        .execute(tx)
        .await?;
    Ok(())
}

pub async fn update_account_name(
    tx: &mut WriteTx,
    account: AccountId,
    name: &str,
) -> ApiResult<()> {
    query("UPDATE accounts SET name = $2 WHERE id = $1")
        .bind(account.to_string())
        .bind(name)
        .execute(tx)
        .await?;
    Ok(())
}

pub async fn update_billing_address(
    tx: &mut WriteTx,
    account: AccountId,
    address: &BillingAddress,
) -> ApiResult<()> {
    query(
        "UPDATE accounts SET billing_name = $2, billing_street = $3, billing_city = $4, billing_postal_code = $5,
            billing_country = $6 WHERE id = $1",
    )
    .bind(account.to_string())
    .bind(address.name.as_str())
    .bind(address.street.as_str())
    .bind(address.city.as_str())
    .bind(address.postal_code.as_str())
    .bind(address.country.as_str())
    .execute(tx)
    .await?;
    Ok(())
}

/// Starts (`Some(now)`) or stops (`None`) requiring two-factor of the members.
pub async fn set_two_factor_required(
    tx: &mut WriteTx,
    account: AccountId,
    since: Option<Timestamp>,
) -> ApiResult<()> {
    query("UPDATE accounts SET two_factor_required_at = $2 WHERE id = $1")
        .bind(account.to_string())
        .bind(since.map(Timestamp::as_millis))
        .execute(tx)
        .await?;
    Ok(())
}

/// Deletes an account; its members, teams and invitations go with it.
pub async fn delete_account(tx: &mut WriteTx, account: AccountId) -> ApiResult<()> {
    query("DELETE FROM accounts WHERE id = $1")
        .bind(account.to_string())
        .execute(tx)
        .await?;
    Ok(())
}

/// An organization's name and plan, read inside the transaction (for someone
/// about to join it).
pub async fn name_and_plan(tx: &mut WriteTx, account: AccountId) -> ApiResult<(String, Plan)> {
    let row = query("SELECT name, plan FROM accounts WHERE id = $1")
        .bind(account.to_string())
        .fetch_one(tx)
        .await?;
    Ok((row.try_get("name")?, parsed(&row, "plan")?))
}
