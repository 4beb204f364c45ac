//! Single sign-on connections and the sign-ins in flight (SPEC §16).

use super::pool::{Store, WriteTx};
use super::sql::Columns;
use super::sql::{millis, millis_opt, parsed, parsed_opt};
use super::tx::{query, query_scalar};
use crate::error::ApiResult;
use domain::api::{SamlServiceProvider, SsoConnection, SsoConnectionView, SsoProtocol};
use domain::{AccountId, OrgRole, TeamId, Timestamp};

/// A connection as stored.
#[derive(Clone)]
pub struct ConnectionRow {
    pub account: AccountId,
    /// The OpenID issuer, or the SAML identity provider's entity id.
    pub issuer: String,
    pub protocol: SsoProtocol,
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

const COLUMNS: &str = "account_id, kind, issuer, client_id, client_secret, idp_metadata_xml, default_role, default_team_id, required_at, created_at";

impl ConnectionRow {
    fn from_row(row: &dyn Columns) -> ApiResult<Self> {
        let kind: String = row.get("kind")?;
        let protocol = match kind.as_str() {
            "oidc" => SsoProtocol::Oidc {
                issuer: row.get("issuer")?,
                client_id: row.get("client_id")?,
                client_secret: row.get("client_secret")?,
            },
            "saml" => SsoProtocol::Saml {
                idp_metadata_xml: row.get::<Option<String>>("idp_metadata_xml")?.ok_or_else(
                    || {
                        crate::error::ApiError::Internal(
                            "a SAML connection without its metadata".into(),
                        )
                    },
                )?,
            },
            other => {
                return Err(crate::error::ApiError::Internal(format!(
                    "an SSO connection of kind {other:?}"
                )))
            }
        };
        Ok(Self {
            account: parsed(row, "account_id")?,
            issuer: row.get("issuer")?,
            protocol,
            default_role: parsed(row, "default_role")?,
            default_team: parsed_opt(row, "default_team_id")?,
            required_at: millis_opt(row, "required_at")?,
            created_at: millis(row, "created_at")?,
        })
    }

    /// As Owners see it, on the deployment at `base_url`.
    pub fn view(&self, base_url: &str) -> SsoConnectionView {
        let (client_id, redirect_uri, service_provider, idp_sso_url) = match &self.protocol {
            SsoProtocol::Oidc { client_id, .. } => (
                client_id.clone(),
                format!("{base_url}/api/sso/oidc/callback"),
                None,
                None,
            ),
            SsoProtocol::Saml { idp_metadata_xml } => {
                let endpoints = crate::saml::Endpoints::new(base_url, self.account);
                let idp = crate::saml::read_idp_metadata(idp_metadata_xml).ok();
                (
                    String::new(),
                    endpoints.acs_url.clone(),
                    Some(SamlServiceProvider {
                        entity_id: endpoints.metadata_url.clone(),
                        metadata_url: endpoints.metadata_url,
                        acs_url: endpoints.acs_url,
                    }),
                    idp.map(|idp| idp.sso_url),
                )
            }
        };
        SsoConnectionView {
            kind: self.protocol.id().into(),
            issuer: self.issuer.clone(),
            client_id,
            default_role: self.default_role,
            default_team: self.default_team,
            required: self.required_at.is_some(),
            redirect_uri,
            service_provider,
            idp_sso_url,
            idp_metadata_xml: match &self.protocol {
                SsoProtocol::Saml { idp_metadata_xml } => Some(idp_metadata_xml.clone()),
                SsoProtocol::Oidc { .. } => None,
            },
            created_at: self.created_at,
        }
    }
}

/// A sign-in sent to the provider.
#[derive(Clone)]
pub struct PendingSso {
    pub account: AccountId,
    pub browser_hash: String,
    /// OpenID Connect: what the answer must match (empty for SAML).
    pub nonce: String,
    pub pkce_verifier: String,
    /// SAML: the AuthnRequest's id, which the answer must be InResponseTo.
    pub request_id: Option<String>,
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
        row.as_ref()
            .map(|row| ConnectionRow::from_row(row))
            .transpose()
    }

    /// Whether `account` is an organization (its SAML metadata exists).
    pub async fn is_organization(&self, account: AccountId) -> ApiResult<bool> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM accounts WHERE id = $1 AND kind = 'organization'",
        )
        .bind(account.to_string())
        .fetch_one(self.pool())
        .await?;
        Ok(n == 1)
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
        query(
            "INSERT INTO sso_logins (state_hash, account_id, browser_hash, nonce, pkce_verifier, email, created_at, expires_at, request_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(state_hash)
        .bind(login.account.to_string())
        .bind(&login.browser_hash)
        .bind(&login.nonce)
        .bind(&login.pkce_verifier)
        .bind(&login.email)
        .bind(now.as_millis())
        .bind(login.expires_at.as_millis())
        .bind(login.request_id.as_deref())
        .execute(&mut tx)
        .await?;
        tx.commit_without_activity().await
    }

    /// Takes the sign-in with this state (once: it is deleted), expired or not.
    pub async fn take_pending_sso(&self, state_hash: &str) -> ApiResult<Option<PendingSso>> {
        let mut tx = self.begin_write().await?;
        let row = query(
            "SELECT account_id, browser_hash, nonce, pkce_verifier, request_id, email, expires_at FROM sso_logins WHERE state_hash = $1",
        )
        .bind(state_hash)
        .fetch_optional(&mut tx)
        .await?;
        query("DELETE FROM sso_logins WHERE state_hash = $1")
            .bind(state_hash)
            .execute(&mut tx)
            .await?;
        tx.commit_without_activity().await?;
        row.map(|row| {
            Ok(PendingSso {
                account: parsed(&row, "account_id")?,
                browser_hash: row.try_get("browser_hash")?,
                nonce: row.try_get("nonce")?,
                pkce_verifier: row.try_get("pkce_verifier")?,
                request_id: row.try_get("request_id")?,
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
    let n: i64 = query_scalar(
        "SELECT COUNT(*) FROM sso_connections c JOIN domains d ON d.account_id = c.account_id
         WHERE c.account_id = $1 AND c.required_at IS NOT NULL AND d.domain = $2 AND d.verified_at IS NOT NULL",
    )
    .bind(account.to_string())
    .bind(domain)
    .fetch_one(tx)
    .await?;
    Ok(n > 0)
}

/// Creates or replaces the organization's connection; `issuer` is the OpenID
/// issuer or the SAML identity provider's entity id.
pub async fn save_connection(
    tx: &mut WriteTx,
    account: AccountId,
    connection: &SsoConnection,
    issuer: &str,
    now: Timestamp,
) -> ApiResult<()> {
    let (client_id, client_secret, metadata) = match &connection.protocol {
        SsoProtocol::Oidc {
            client_id,
            client_secret,
            ..
        } => (client_id.as_str(), client_secret.as_str(), None),
        SsoProtocol::Saml { idp_metadata_xml } => ("", "", Some(idp_metadata_xml.as_str())),
    };
    query("DELETE FROM sso_connections WHERE account_id = $1")
        .bind(account.to_string())
        .execute(tx)
        .await?;
    query(
        "INSERT INTO sso_connections (account_id, kind, issuer, client_id, client_secret, idp_metadata_xml, default_role, default_team_id, required_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(account.to_string())
    .bind(connection.protocol.id())
    .bind(issuer)
    .bind(client_id)
    .bind(client_secret)
    .bind(metadata)
    .bind(connection.default_role.id())
    .bind(connection.default_team.map(|t| t.to_string()))
    .bind(connection.required.then_some(now.as_millis()))
    .bind(now.as_millis())
    .execute(tx)
    .await?;
    Ok(())
}

/// Removes the organization's connection; `false` if it had none.
pub async fn delete_connection(tx: &mut WriteTx, account: AccountId) -> ApiResult<bool> {
    let done = query("DELETE FROM sso_connections WHERE account_id = $1")
        .bind(account.to_string())
        .execute(tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Remembers an accepted SAML assertion until `expires_at`; `false` if it was
/// accepted before (a replay), on any server process.
pub async fn remember_assertion(
    store: &Store,
    account: AccountId,
    assertion_id: &str,
    expires_at: Timestamp,
) -> ApiResult<bool> {
    let mut tx = store.begin_write().await?;
    let done = query(
        "INSERT INTO saml_assertions (account_id, assertion_id, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (account_id, assertion_id) DO NOTHING",
    )
    .bind(account.to_string())
    .bind(assertion_id)
    .bind(expires_at.as_millis())
    .execute(&mut tx)
    .await?;
    tx.commit_without_activity().await?;
    Ok(done.rows_affected() == 1)
}
