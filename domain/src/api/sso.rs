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
/// member gets: OpenID Connect (`issuer`, `client_id`, `client_secret`) or
/// SAML 2.0 (`idp_metadata_xml`).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct SsoConnectionRequest {
    /// `oidc` or `saml`.
    #[serde(rename = "type")]
    pub kind: String,
    /// OpenID Connect: the provider's issuer; its discovery document is read from it.
    pub issuer: String,
    /// OpenID Connect: this deployment's client at the provider.
    pub client_id: String,
    pub client_secret: String,
    /// SAML 2.0: the identity provider's metadata (its entity id, single
    /// sign-on URL and signing certificate), as the provider exports it.
    pub idp_metadata_xml: String,
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
            .field("idp_metadata_xml", &self.idp_metadata_xml.len())
            .field("default_role", &self.default_role)
            .field("default_team", &self.default_team)
            .field("required", &self.required)
            .finish()
    }
}

/// The largest IdP metadata document accepted (real ones are a few KB; a
/// federation's aggregate is not an organization's provider).
pub const MAX_IDP_METADATA_BYTES: usize = 256 * 1024;

/// How Orgspace talks to the identity provider.
#[derive(Clone, PartialEq, Eq)]
pub enum SsoProtocol {
    Oidc {
        issuer: String,
        client_id: String,
        client_secret: String,
    },
    /// The metadata is read by the server (its XML is not `domain`'s).
    Saml { idp_metadata_xml: String },
}

impl SsoProtocol {
    /// `oidc` or `saml`, as on the wire.
    pub fn id(&self) -> &'static str {
        match self {
            Self::Oidc { .. } => "oidc",
            Self::Saml { .. } => "saml",
        }
    }
}

impl fmt::Debug for SsoProtocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Oidc {
                issuer, client_id, ..
            } => f
                .debug_struct("Oidc")
                .field("issuer", issuer)
                .field("client_id", client_id)
                .finish_non_exhaustive(),
            Self::Saml { idp_metadata_xml } => f
                .debug_struct("Saml")
                .field("idp_metadata_bytes", &idp_metadata_xml.len())
                .finish(),
        }
    }
}

/// A checked connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SsoConnection {
    pub protocol: SsoProtocol,
    pub default_role: OrgRole,
    pub default_team: Option<TeamId>,
    pub required: bool,
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
        let protocol = match self.kind.as_str() {
            "oidc" => {
                let issuer = errors.field("", "issuer", check_issuer(&self.issuer));
                if self.client_id.trim().is_empty() {
                    errors.push("client_id".into(), "is required");
                }
                if self.client_secret.is_empty() {
                    errors.push("client_secret".into(), "is required");
                }
                issuer.map(|issuer| SsoProtocol::Oidc {
                    issuer,
                    client_id: self.client_id.trim().to_owned(),
                    client_secret: self.client_secret.clone(),
                })
            }
            "saml" => {
                let xml = self.idp_metadata_xml.trim();
                if xml.is_empty() {
                    errors.push(
                        "idp_metadata_xml".into(),
                        "is required: the metadata XML your identity provider exports",
                    );
                    None
                } else if xml.len() > MAX_IDP_METADATA_BYTES {
                    errors.push(
                        "idp_metadata_xml".into(),
                        "is longer than 256 KB: paste your provider's own metadata, not a federation's",
                    );
                    None
                } else {
                    Some(SsoProtocol::Saml {
                        idp_metadata_xml: xml.to_owned(),
                    })
                }
            }
            _ => {
                errors.push(
                    "type".into(),
                    "must be oidc (OpenID Connect) or saml (SAML 2.0)",
                );
                None
            }
        };
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
        match (protocol, default_role, default_team) {
            (Some(protocol), Some(default_role), Some(default_team)) if errors.is_empty() => {
                Ok(SsoConnection {
                    protocol,
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
    /// `oidc` or `saml`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The OpenID provider's issuer, or the SAML identity provider's entity id.
    pub issuer: String,
    /// OpenID Connect only.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub client_id: String,
    pub default_role: OrgRole,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_team: Option<TeamId>,
    pub required: bool,
    /// Where the provider sends people back: register it with the provider
    /// (OpenID Connect: the callback; SAML: the assertion consumer service).
    pub redirect_uri: String,
    /// SAML only: what the identity provider needs to know about Orgspace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_provider: Option<SamlServiceProvider>,
    /// SAML only: where the identity provider signs people in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idp_sso_url: Option<String>,
    /// SAML only: the identity provider's metadata as saved (public, unlike
    /// an OpenID client secret: shown to edit it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idp_metadata_xml: Option<String>,
    pub created_at: Timestamp,
}

/// Orgspace as a SAML service provider of one organization.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SamlServiceProvider {
    /// The entity id (the metadata's own URL).
    pub entity_id: String,
    /// The metadata to give the identity provider.
    pub metadata_url: String,
    /// The assertion consumer service (HTTP-POST binding).
    pub acs_url: String,
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
        let SsoProtocol::Oidc {
            issuer, client_id, ..
        } = &checked.protocol
        else {
            panic!("an OpenID connection: {checked:?}");
        };
        assert_eq!(issuer, "https://login.acme.com");
        assert_eq!(client_id, "orgspace");
        assert_eq!(checked.protocol.id(), "oidc");
        assert_eq!(checked.default_role, OrgRole::Viewer);
        assert!(!format!("{:?}{:?}", request(), checked).contains("s3cret"));
        let bad = SsoConnectionRequest {
            kind: "oidc".into(),
            issuer: "http://login.acme.com".into(),
            client_id: " ".into(),
            client_secret: String::new(),
            idp_metadata_xml: String::new(),
            default_role: Some("owner".into()),
            default_team: Some("nope".into()),
            required: true,
        };
        assert_eq!(
            fields(&bad),
            [
                "issuer",
                "client_id",
                "client_secret",
                "default_role",
                "default_team"
            ]
        );
        let unknown = SsoConnectionRequest {
            kind: "ldap".into(),
            ..request()
        };
        assert_eq!(fields(&unknown), ["type"]);
    }

    fn fields(request: &SsoConnectionRequest) -> Vec<String> {
        request
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn a_saml_connection_carries_the_providers_metadata() {
        let saml = SsoConnectionRequest {
            kind: "saml".into(),
            idp_metadata_xml: "  <EntityDescriptor/>\n".into(),
            default_role: Some("admin".into()),
            ..Default::default()
        };
        let checked = saml.validate().unwrap();
        assert_eq!(
            checked.protocol,
            SsoProtocol::Saml {
                idp_metadata_xml: "<EntityDescriptor/>".into()
            }
        );
        assert_eq!(checked.protocol.id(), "saml");
        assert_eq!(checked.default_role, OrgRole::Admin);
        let empty = SsoConnectionRequest {
            idp_metadata_xml: " ".into(),
            ..saml.clone()
        };
        assert_eq!(fields(&empty), ["idp_metadata_xml"]);
        let huge = SsoConnectionRequest {
            idp_metadata_xml: "x".repeat(MAX_IDP_METADATA_BYTES + 1),
            ..saml
        };
        assert_eq!(fields(&huge), ["idp_metadata_xml"]);
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
