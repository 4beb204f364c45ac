//! Users and their sessions.

use super::pool::{Store, WriteTx};
use super::sql::{parse_column, parse_opt, parsed};
use crate::error::ApiResult;
use domain::api::UserView;
use domain::{AccountId, Timestamp, UserId};
use sqlx::any::AnyRow;
use sqlx::Row;

/// A user as stored.
#[derive(Clone, Debug)]
pub struct UserRow {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub password_hash: String,
}

impl UserRow {
    pub(crate) fn from_row(row: &AnyRow) -> ApiResult<Self> {
        Ok(Self {
            id: parsed(row, "id")?,
            email: row.try_get("email")?,
            name: row.try_get("name")?,
            password_hash: row.try_get("password_hash")?,
        })
    }

    pub fn view(&self) -> UserView {
        UserView {
            id: self.id,
            email: self.email.clone(),
            name: self.name.clone(),
        }
    }
}

impl Store {
    pub async fn user_by_email(&self, email: &str) -> ApiResult<Option<UserRow>> {
        let row = sqlx::query("SELECT id, email, name, password_hash FROM users WHERE email = $1")
            .bind(email)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(UserRow::from_row).transpose()
    }

    /// The user signed in with the session whose token hashes to `token_hash`.
    pub async fn user_by_session(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> ApiResult<Option<UserRow>> {
        let row = sqlx::query(
            "SELECT u.id, u.email, u.name, u.password_hash FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(token_hash)
        .bind(now.as_millis())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(UserRow::from_row).transpose()
    }

    /// The user whose session's token hashes to `token_hash`, expired or not.
    pub async fn session_user(&self, token_hash: &str) -> ApiResult<Option<UserId>> {
        let user: Option<String> =
            sqlx::query_scalar("SELECT user_id FROM sessions WHERE token_hash = $1")
                .bind(token_hash)
                .fetch_optional(self.pool())
                .await?;
        parse_opt("user_id", user)
    }

    /// The user's personal account.
    pub async fn personal_account_of(&self, user: UserId) -> ApiResult<AccountId> {
        let id: String = sqlx::query_scalar("SELECT id FROM accounts WHERE personal_user_id = $1")
            .bind(user.to_string())
            .fetch_one(self.pool())
            .await?;
        parse_column("id", &id)
    }

    /// Removes sessions and rate-limit events that no longer matter.
    pub async fn purge_expired(&self, now: Timestamp, rate_horizon: Timestamp) -> ApiResult<()> {
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now.as_millis())
            .execute(self.pool())
            .await?;
        sqlx::query("DELETE FROM rate_events WHERE at < $1")
            .bind(rate_horizon.as_millis())
            .execute(self.pool())
            .await?;
        Ok(())
    }
}

/// Inserts a user; `false` when the email is already registered.
pub async fn insert_user(tx: &mut WriteTx, user: &UserRow, now: Timestamp) -> ApiResult<bool> {
    let done = sqlx::query(
        "INSERT INTO users (id, email, name, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING",
    )
    .bind(user.id.to_string())
    .bind(&user.email)
    .bind(&user.name)
    .bind(&user.password_hash)
    .bind(now.as_millis())
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Takes the user's row lock for the rest of the transaction.
pub async fn lock_user(tx: &mut WriteTx, user: UserId) -> ApiResult<()> {
    sqlx::query("UPDATE users SET lock_version = lock_version + 1 WHERE id = $1")
        .bind(user.to_string())
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Starts a session (its token's hash) for `user`.
pub async fn insert_session(
    tx: &mut WriteTx,
    token_hash: &str,
    user: UserId,
    now: Timestamp,
    expires_at: Timestamp,
) -> ApiResult<()> {
    sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(token_hash)
        .bind(user.to_string())
        .bind(now.as_millis())
        .bind(expires_at.as_millis())
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Ends the session with this token hash; the user it belonged to, if it existed.
pub async fn delete_session(tx: &mut WriteTx, token_hash: &str) -> ApiResult<Option<UserId>> {
    let user: Option<String> =
        sqlx::query_scalar("SELECT user_id FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(tx.conn())
            .await?;
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(tx.conn())
        .await?;
    parse_opt("user_id", user)
}

/// Replaces the user's password hash.
pub async fn set_password(tx: &mut WriteTx, user: UserId, password_hash: &str) -> ApiResult<()> {
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(password_hash)
        .bind(user.to_string())
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Ends every session of the user; how many there were.
pub async fn delete_sessions_of(tx: &mut WriteTx, user: UserId) -> ApiResult<u64> {
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user.to_string())
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected())
}

/// The user's personal account.
pub async fn personal_account(tx: &mut WriteTx, user: UserId) -> ApiResult<AccountId> {
    let id: String = sqlx::query_scalar("SELECT id FROM accounts WHERE personal_user_id = $1")
        .bind(user.to_string())
        .fetch_one(tx.conn())
        .await?;
    parse_column("id", &id)
}
