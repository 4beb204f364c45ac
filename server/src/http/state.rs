//! What every handler may use.

use super::csp::content_security_policy;
use super::metrics::Metrics;
use crate::config::Config;
use crate::dns::Dns;
use crate::error::ApiError;
use crate::mail::{Mail, Mailer};
use crate::payments::{PaymentProvider, SimulatedProvider};
use crate::secrets::{hash_password, random_token};
use crate::store::Store;
use crate::two_factor::relying_party;
use axum::http::HeaderValue;
use std::sync::Arc;
use webauthn_rs::Webauthn;

/// The state every handler shares: one reference-counted allocation, so the
/// clone axum makes for each request's `State` extractors is a counter's
/// increment. (It held its parts by value: the DNS resolver with its caches
/// and the mailer were copied and dropped on every request — 20 % of the
/// server's CPU on `GET /api/accounts/{id}`, bench/README.md.)
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What [`AppState`] shares.
pub struct Shared {
    pub store: Store,
    pub config: Arc<Config>,
    pub metrics: Arc<Metrics>,
    pub mailer: Mailer,
    /// A real argon2id hash to verify against when an email is unknown, so a
    /// failed sign-in takes the same work either way.
    pub decoy_hash: Arc<String>,
    /// Takes the payments that add funds.
    pub payments: Arc<dyn PaymentProvider>,
    /// The Content-Security-Policy, with the hash of the built app's start script.
    pub csp: HeaderValue,
    /// The WebAuthn relying party (this deployment's public address); `None`
    /// when that address is not a domain name, and passkeys are unavailable.
    pub webauthn: Option<Arc<Webauthn>>,
    /// Looks domains' TXT records up (SPEC §16).
    pub dns: Dns,
}

impl AppState {
    /// Sends `mail` now; a failure is logged, not returned (what the mail
    /// says has happened, and can be asked for again).
    pub async fn mail(&self, mail: Mail) {
        let to = mail.to.clone();
        if let Err(error) = self.mailer.send(&self.config.mail_from, mail).await {
            tracing::error!(%error, %to, "a mail could not be sent");
        }
    }

    pub async fn new(store: Store, config: Config) -> Result<Self, ApiError> {
        let decoy_hash = hash_password(random_token()).await?;
        let mailer = Mailer::from_config(&config).map_err(ApiError::Internal)?;
        let dns = Dns::new(config.dns_server).map_err(ApiError::Internal)?;
        Ok(Self(Arc::new(Shared {
            store,
            metrics: Arc::new(Metrics::default()),
            mailer,
            decoy_hash: Arc::new(decoy_hash),
            payments: Arc::new(SimulatedProvider),
            csp: content_security_policy(&config.app_dir),
            webauthn: relying_party(&config).map(Arc::new),
            dns,
            config: Arc::new(config),
        })))
    }
}
