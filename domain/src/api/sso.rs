//! An organization's single sign-on connection and signing in with it
//! (SPEC §16).

use crate::error::FieldError;
use crate::ids::TeamId;
use crate::roles::OrgRole;
use crate::text::{Email, Errors};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;

/// `POST /api/accounts/{id}/sso`: the identity provider and what a new
/// member gets. (OpenID Connect; SAML 2.0 is the next step of SPEC §16.)
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct SsoConnectionRequest {
    /// `oidc`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The OpenID provider's issuer; its discovery document is read from it.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// The role of members who join by signing in; `viewer` when absent.
    pub default_role: Option<String>,
    /// A team they join too.
    pub default_team: Option<String>,
    /// Addresses on the organization's verified domains must sign in with SSO.
    pub required: bool,
}

impl fmt::Debug for SsoConnectionRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SsoConnectionRequest")
            .field("kind", &self.kind)
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"***")
            .field("default_role", &self.default_role)
            .field("default_team", &self.default_team)
            .field("required", &self.required)
            .finish()
    }
}

/// A checked connection.
#[derive(Clone, PartialEq, Eq)]
pub struct SsoConnection {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    pub default_role: OrgRole,
    pub default_team: Option<TeamId>,
    pub required: bool,
}

impl fmt::Debug for SsoConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SsoConnection")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

/// Whether an issuer URL may be used: `https://`, or `http://` on loopback
/// only (a provider on the same machine, as in tests).
pub fn check_issuer(issuer: &str) -> Result<String, &'static str> {
    let issuer = issuer.trim().trim_end_matches('/').to_owned();
    let host_of = |rest: &str| -> String {
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host = match authority.rsplit_once('@') {
            Some((_, host)) => host,
            None => authority,
        };
        match host.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or_default().to_owned(),
            None => host
                .split(':')
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase(),
        }
    };
    if let Some(rest) = issuer.strip_prefix("https://") {
        if host_of(rest).is_empty() {
            return Err("must be the provider's URL, like https://login.acme.com");
        }
        return Ok(issuer);
    }
    if let Some(rest) = issuer.strip_prefix("http://") {
        return match host_of(rest).as_str() {
            "localhost" | "127.0.0.1" | "::1" => Ok(issuer),
            _ => Err("must use https:// (http:// only for a provider on this machine)"),
        };
    }
    Err("must be the provider's URL, like https://login.acme.com")
}

impl SsoConnectionRequest {
    /// Every bad field at once.
    pub fn validate(&self) -> Result<SsoConnection, Vec<FieldError>> {
        let mut errors = Errors::default();
        if self.kind != "oidc" {
            errors.push(
                "type".into(),
                "must be oidc (OpenID Connect); SAML 2.0 connections are not available yet",
            );
        }
        let issuer = errors.field("", "issuer", check_issuer(&self.issuer));
        if self.client_id.trim().is_empty() {
            errors.push("client_id".into(), "is required");
        }
        if self.client_secret.is_empty() {
            errors.push("client_secret".into(), "is required");
        }
        let default_role = match self.default_role.as_deref() {
            None => Some(OrgRole::Viewer),
            Some(text) => match text.parse::<OrgRole>() {
                Ok(OrgRole::Owner) => {
                    errors.push(
                        "default_role".into(),
                        "cannot be owner: Owners are made by an Owner, not by signing in",
                    );
                    None
                }
                Ok(role) => Some(role),
                Err(_) => {
                    errors.push("default_role".into(), "must be admin, tech or viewer");
                    None
                }
            },
        };
        let default_team = match self.default_team.as_deref().filter(|t| !t.is_empty()) {
            None => Some(None),
            Some(text) => match text.parse::<TeamId>() {
                Ok(team) => Some(Some(team)),
                Err(_) => {
                    errors.push("default_team".into(), "is not a team id");
                    None
                }
            },
        };
        match (issuer, default_role, default_team) {
            (Some(issuer), Some(default_role), Some(default_team)) if errors.is_empty() => {
                Ok(SsoConnection {
                    issuer,
                    client_id: self.client_id.trim().to_owned(),
                    client_secret: self.client_secret.clone(),
                    default_role,
                    default_team,
                    required: self.required,
                })
            }
            _ => Err(errors.into_vec()),
        }
    }
}

/// The connection as Owners see it (never the client secret).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SsoConnectionView {
    #[serde(rename = "type")]
    pub kind: String,
    pub issuer: String,
    pub client_id: String,
    pub default_role: OrgRole,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_team: Option<TeamId>,
    pub required: bool,
    /// Where the provider sends people back: register it with the provider.
    pub redirect_uri: String,
    pub created_at: Timestamp,
}

/// `POST /api/auth/sso`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct SsoStartRequest {
    pub email: String,
}

impl SsoStartRequest {
    pub fn validate(&self) -> Result<Email, Vec<FieldError>> {
        let mut errors = Errors::default();
        match errors.field("", "email", Email::parse(&self.email)) {
            Some(email) => Ok(email),
            None => Err(errors.into_vec()),
        }
    }
}

/// Where the browser goes to sign in at the organization's provider.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SsoRedirect {
    pub redirect_url: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> SsoConnectionRequest {
        SsoConnectionRequest {
            kind: "oidc".into(),
            issuer: "https://login.acme.com/".into(),
            client_id: " orgspace ".into(),
            client_secret: "s3cret".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_connection_names_a_provider_and_what_new_members_get() {
        let checked = request().validate().unwrap();
        assert_eq!(checked.issuer, "https://login.acme.com");
        assert_eq!(checked.client_id, "orgspace");
        assert_eq!(checked.default_role, OrgRole::Viewer);
        assert!(!format!("{:?}{:?}", request(), checked).contains("s3cret"));
        let bad = SsoConnectionRequest {
            kind: "saml".into(),
            issuer: "http://login.acme.com".into(),
            client_id: " ".into(),
            client_secret: String::new(),
            default_role: Some("owner".into()),
            default_team: Some("nope".into()),
            required: true,
        };
        let fields: Vec<String> = bad
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "type",
                "issuer",
                "client_id",
                "client_secret",
                "default_role",
                "default_team"
            ]
        );
    }

    #[test]
    fn plain_http_issuers_are_for_this_machine_only() {
        for ok in [
            "https://idp.acme.com",
            "http://127.0.0.1:4000",
            "http://localhost:4000/oidc",
            "http://[::1]:9000",
        ] {
            assert!(check_issuer(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://idp.acme.com",
            "http://127.0.0.1.evil.com",
            "ftp://x",
            "https://",
            "idp.acme.com",
            "http://user@evil.com",
        ] {
            assert!(check_issuer(bad).is_err(), "{bad}");
        }
    }
}
