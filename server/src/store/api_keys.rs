//! API keys (SPEC §7). Rows keep a SHA-256 of the secret, never the secret. A
//! key's status is derived from its expiry and its owner's membership
//! (`domain::api_keys::key_status`), so nothing here deactivates or reactivates.

use super::accounts::AccountRow;
use super::auth::{UserRow, USER_COLUMNS};
use super::pool::{Store, WriteTx};
use super::sql::{count, millis, millis_opt, parsed, split_page, Bind, Columns, Statement};
use super::tx::{query, query_scalar};
use crate::error::ApiResult;
use domain::api::{ApiKeyView, KeyOwnerView};
use domain::api_keys::{key_status, ApiKeyId, KeyStatus};
use domain::{AccountId, Timestamp, UserId};
use sqlx::Row;

/// How stale `last_used_at` may get before a call writes it again: at most one
/// write per key per minute, however many calls it makes.
pub const LAST_USED_PRECISION_MS: i64 = 60_000;

const COLUMNS: &str = "k.id, k.name, k.created_at, k.last_used_at, k.expires_at, k.user_id, u.email, u.name AS user_name, m.user_id AS member";
const FROM: &str = "FROM api_keys k JOIN users u ON u.id = k.user_id
     LEFT JOIN memberships m ON m.account_id = k.account_id AND m.user_id = k.user_id";

fn view(row: &dyn Columns, now: Timestamp) -> ApiResult<ApiKeyView> {
    let member: Option<String> = row.get("member")?;
    let expires_at = millis_opt(row, "expires_at")?;
    let status = key_status(expires_at, member.is_some(), now);
    Ok(ApiKeyView {
        id: parsed(row, "id")?,
        name: row.get("name")?,
        created_at: millis(row, "created_at")?,
        last_used_at: millis_opt(row, "last_used_at")?,
        expires_at,
        active: status == KeyStatus::Active,
        status,
        owner: KeyOwnerView {
            user_id: parsed(row, "user_id")?,
            email: row.get("email")?,
            name: row.get("user_name")?,
        },
    })
}

/// What authenticating with a key needs to know.
#[derive(Debug)]
pub struct KeyCredentials {
    pub account: AccountId,
    pub user: UserRow,
    pub secret_hash: String,
    pub status: KeyStatus,
    pub last_used_at: Option<Timestamp>,
}

/// A new key's row.
pub struct NewKey<'a> {
    pub id: &'a ApiKeyId,
    pub account: AccountId,
    pub user: UserId,
    pub name: &'a str,
    pub secret_hash: &'a str,
    pub expires_at: Option<Timestamp>,
}

pub async fn insert_key(tx: &mut WriteTx, key: NewKey<'_>, now: Timestamp) -> ApiResult<()> {
    query(
        "INSERT INTO api_keys (id, account_id, user_id, name, secret_hash, created_at, last_used_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, NULL, $7)",
    )
    .bind(key.id.as_str())
    .bind(key.account.to_string())
    .bind(key.user.to_string())
    .bind(key.name)
    .bind(key.secret_hash)
    .bind(now.as_millis())
    .bind(key.expires_at.map(Timestamp::as_millis))
    .execute(tx)
    .await?;
    Ok(())
}

/// One key of `account` as listed, inside a write transaction.
pub async fn key_in_account(
    tx: &mut WriteTx,
    account: AccountId,
    id: &ApiKeyId,
    now: Timestamp,
) -> ApiResult<Option<ApiKeyView>> {
    let row = query(format!(
        "SELECT {COLUMNS} {FROM} WHERE k.id = $1 AND k.account_id = $2"
    ))
    .bind(id.as_str())
    .bind(account.to_string())
    .fetch_optional(tx)
    .await?;
    row.map(|r| view(&r, now)).transpose()
}

/// Deletes a key (revoking it).
pub async fn delete_key(tx: &mut WriteTx, id: &ApiKeyId) -> ApiResult<()> {
    query("DELETE FROM api_keys WHERE id = $1")
        .bind(id.as_str())
        .execute(tx)
        .await?;
    Ok(())
}

/// How many keys `user` has in `account` (they stop working when the user leaves).
pub async fn count_keys_of(tx: &mut WriteTx, account: AccountId, user: UserId) -> ApiResult<u64> {
    let n: i64 =
        query_scalar("SELECT COUNT(*) FROM api_keys WHERE account_id = $1 AND user_id = $2")
            .bind(account.to_string())
            .bind(user.to_string())
            .fetch_one(tx)
            .await?;
    Ok(count(n))
}

impl Store {
    /// The key `id` with its owner, for authenticating a call.
    pub async fn key_credentials(
        &self,
        id: &ApiKeyId,
        now: Timestamp,
    ) -> ApiResult<Option<KeyCredentials>> {
        let row = sqlx::query(
            &format!("SELECT k.account_id, k.secret_hash, k.expires_at, k.last_used_at, m.user_id AS member, {USER_COLUMNS}
             FROM api_keys k JOIN users u ON u.id = k.user_id
             LEFT JOIN memberships m ON m.account_id = k.account_id AND m.user_id = k.user_id
             WHERE k.id = $1"),
        )
        .bind(id.as_str())
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let member: Option<String> = row.try_get("member")?;
        Ok(Some(KeyCredentials {
            account: parsed(&row, "account_id")?,
            user: UserRow::from_row(&row)?,
            secret_hash: row.try_get("secret_hash")?,
            status: key_status(millis_opt(&row, "expires_at")?, member.is_some(), now),
            last_used_at: millis_opt(&row, "last_used_at")?,
        }))
    }

    /// Notes that key `id` was used at `now`, unless it was noted less than a
    /// minute ago (so a busy key costs one write a minute, not one per call).
    pub async fn touch_key(&self, id: &ApiKeyId, now: Timestamp) -> ApiResult<()> {
        let mut tx = self.begin_write().await?;
        query(
            "UPDATE api_keys SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at <= $3)",
        )
        .bind(now.as_millis())
        .bind(id.as_str())
        .bind(now.as_millis() - LAST_USED_PRECISION_MS)
        .execute(&mut tx)
        .await?;
        tx.commit_without_activity().await
    }

    /// A page of `account`'s keys (only `user`'s when given), oldest first,
    /// after the key `after`.
    pub async fn list_keys(
        &self,
        account: &AccountRow,
        user: Option<UserId>,
        after: Option<&ApiKeyId>,
        limit: usize,
        now: Timestamp,
    ) -> ApiResult<(Vec<ApiKeyView>, Option<ApiKeyId>)> {
        let mut statement =
            Statement::new(format!("SELECT {COLUMNS} {FROM} WHERE k.account_id = $1"));
        statement.binds.push(Bind::Text(account.id.to_string()));
        if let Some(user) = user {
            statement.and("k.user_id = ", Bind::Text(user.to_string()));
        }
        if let Some(after) = after {
            let key = statement.bind(Bind::Text(after.to_string()));
            statement.push_sql(&format!(
                " AND (k.created_at, k.id) > (SELECT created_at, id FROM api_keys WHERE id = {key})"
            ));
        }
        statement.page("k.created_at, k.id", limit);
        let keep = self.keep_plan_for(account.members);
        let items = self.read_page(statement, keep, |r| view(r, now)).await?;
        Ok(split_page(items, limit, |k| k.id.clone()))
    }
}
