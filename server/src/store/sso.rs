//! Single sign-on connections and the sign-ins in flight (SPEC §16).

use super::pool::{Store, WriteTx};
use super::sql::{millis, millis_opt, parsed, parsed_opt};
use crate::error::ApiResult;
use domain::api::{SsoConnection, SsoConnectionView};
use domain::{AccountId, OrgRole, TeamId, Timestamp};
use sqlx::any::AnyRow;
use sqlx::Row;

/// A connection as stored.
#[derive(Clone)]
pub struct ConnectionRow {
    pub account: AccountId,
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    pub default_role: OrgRole,
    pub default_team: Option<TeamId>,
    pub required_at: Option<Timestamp>,
    pub created_at: Timestamp,
}

impl std::fmt::Debug for ConnectionRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionRow")
            .field("account", &self.account)
            .field("issuer", &self.issuer)
            .finish_non_exhaustive()
    }
}

const COLUMNS: &str = "account_id, issuer, client_id, client_secret, default_role, default_team_id, required_at, created_at";

impl ConnectionRow {
    fn from_row(row: &AnyRow) -> ApiResult<Self> {
        Ok(Self {
            account: parsed(row, "account_id")?,
            issuer: row.try_get("issuer")?,
            client_id: row.try_get("client_id")?,
            client_secret: row.try_get("client_secret")?,
            default_role: parsed(row, "default_role")?,
            default_team: parsed_opt(row, "default_team_id")?,
            required_at: millis_opt(row, "required_at")?,
            created_at: millis(row, "created_at")?,
        })
    }

    pub fn view(&self, redirect_uri: String) -> SsoConnectionView {
        SsoConnectionView {
            kind: "oidc".into(),
            issuer: self.issuer.clone(),
            client_id: self.client_id.clone(),
            default_role: self.default_role,
            default_team: self.default_team,
            required: self.required_at.is_some(),
            redirect_uri,
            created_at: self.created_at,
        }
    }
}

/// A sign-in sent to the provider.
#[derive(Clone)]
pub struct PendingSso {
    pub account: AccountId,
    pub browser_hash: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub email: String,
    pub expires_at: Timestamp,
}

impl std::fmt::Debug for PendingSso {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingSso")
            .field("account", &self.account)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// The organization's connection.
    pub async fn sso_connection(&self, account: AccountId) -> ApiResult<Option<ConnectionRow>> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM sso_connections WHERE account_id = $1"
        ))
        .bind(account.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(ConnectionRow::from_row).transpose()
    }

    /// An account's name (for messages about an organization the caller
    /// may not belong to).
    pub async fn account_name(&self, account: AccountId) -> ApiResult<String> {
        let name: String = sqlx::query_scalar("SELECT name FROM accounts WHERE id = $1")
            .bind(account.to_string())
            .fetch_one(self.pool())
            .await?;
        Ok(name)
    }

    /// Keeps a sign-in sent to the provider.
    pub async fn insert_pending_sso(
        &self,
        state_hash: &str,
        login: &PendingSso,
        now: Timestamp,
    ) -> ApiResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO sso_logins (state_hash, account_id, browser_hash, nonce, pkce_verifier, email, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(state_hash)
        .bind(login.account.to_string())
        .bind(&login.browser_hash)
        .bind(&login.nonce)
        .bind(&login.pkce_verifier)
        .bind(&login.email)
        .bind(now.as_millis())
        .bind(login.expires_at.as_millis())
        .execute(tx.conn())
        .await?;
        tx.commit_without_activity().await
    }

    /// Takes the sign-in with this state (once: it is deleted), expired or not.
    pub async fn take_pending_sso(&self, state_hash: &str) -> ApiResult<Option<PendingSso>> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "SELECT account_id, browser_hash, nonce, pkce_verifier, email, expires_at FROM sso_logins WHERE state_hash = $1",
        )
        .bind(state_hash)
        .fetch_optional(tx.conn())
        .await?;
        sqlx::query("DELETE FROM sso_logins WHERE state_hash = $1")
            .bind(state_hash)
            .execute(tx.conn())
            .await?;
        tx.commit_without_activity().await?;
        row.map(|row| {
            Ok(PendingSso {
                account: parsed(&row, "account_id")?,
                browser_hash: row.try_get("browser_hash")?,
                nonce: row.try_get("nonce")?,
                pkce_verifier: row.try_get("pkce_verifier")?,
                email: row.try_get("email")?,
                expires_at: millis(&row, "expires_at")?,
            })
        })
        .transpose()
    }
}

/// Whether `account` requires single sign-on for addresses on `domain` (a
/// verified domain of its, with a required connection).
pub async fn sso_required_in(
    tx: &mut WriteTx,
    account: AccountId,
    domain: &str,
) -> ApiResult<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sso_connections c JOIN domains d ON d.account_id = c.account_id
         WHERE c.account_id = $1 AND c.required_at IS NOT NULL AND d.domain = $2 AND d.verified_at IS NOT NULL",
    )
    .bind(account.to_string())
    .bind(domain)
    .fetch_one(tx.conn())
    .await?;
    Ok(n > 0)
}

/// Creates or replaces the organization's connection.
pub async fn save_connection(
    tx: &mut WriteTx,
    account: AccountId,
    connection: &SsoConnection,
    now: Timestamp,
) -> ApiResult<()> {
    sqlx::query("DELETE FROM sso_connections WHERE account_id = $1")
        .bind(account.to_string())
        .execute(tx.conn())
        .await?;
    sqlx::query(
        "INSERT INTO sso_connections (account_id, kind, issuer, client_id, client_secret, default_role, default_team_id, required_at, created_at)
         VALUES ($1, 'oidc', $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(account.to_string())
    .bind(&connection.issuer)
    .bind(&connection.client_id)
    .bind(&connection.client_secret)
    .bind(connection.default_role.id())
    .bind(connection.default_team.map(|t| t.to_string()))
    .bind(connection.required.then_some(now.as_millis()))
    .bind(now.as_millis())
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Removes the organization's connection; `false` if it had none.
pub async fn delete_connection(tx: &mut WriteTx, account: AccountId) -> ApiResult<bool> {
    let done = sqlx::query("DELETE FROM sso_connections WHERE account_id = $1")
        .bind(account.to_string())
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}
