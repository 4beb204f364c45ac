//! API keys (SPEC §7).

use crate::error::FieldError;
use crate::ids::UserId;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// Whose key it is, in an Owner's list of everyone's keys.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeyOwnerView {
    pub user_id: UserId,
    pub email: String,
    pub name: String,
}

/// An API key (SPEC §7, §12). The secret is never part of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiKeyView {
    pub id: crate::api_keys::ApiKeyId,
    pub name: String,
    pub created_at: Timestamp,
    /// Updated at most once a minute per key.
    pub last_used_at: Option<Timestamp>,
    pub expires_at: Option<Timestamp>,
    /// Whether the key authenticates now (`status` says why not).
    pub active: bool,
    pub status: crate::api_keys::KeyStatus,
    pub owner: KeyOwnerView,
}

/// `POST /api/accounts/{id}/api-keys`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct CreateApiKeyRequest {
    /// 1–100 characters.
    pub name: String,
    /// RFC 3339; in the future, at most ten years away. Omitted or `null`: no expiry.
    pub expires_at: Option<String>,
}

/// A checked [`CreateApiKeyRequest`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewApiKey {
    pub name: crate::text::ApiKeyName,
    pub expires_at: Option<Timestamp>,
}

impl CreateApiKeyRequest {
    /// Checks every field against `now`.
    pub fn validate(&self, now: Timestamp) -> Result<NewApiKey, Vec<FieldError>> {
        let mut errors = crate::text::Errors::default();
        let name = errors.field("", "name", crate::text::ApiKeyName::parse(&self.name));
        let expires_at = match self.expires_at.as_deref().map(str::trim) {
            None | Some("") => Some(None),
            Some(raw) => match raw.parse::<Timestamp>() {
                Ok(at) => match crate::api_keys::check_expiry(Some(at), now) {
                    Ok(()) => Some(Some(at)),
                    Err(e) => {
                        errors.push(e.field, e.message);
                        None
                    }
                },
                Err(_) => {
                    errors.push(
                        "expires_at".into(),
                        "must be an RFC 3339 time, like 2027-01-31T00:00:00Z",
                    );
                    None
                }
            },
        };
        match (name, expires_at) {
            (Some(name), Some(expires_at)) if errors.is_empty() => {
                Ok(NewApiKey { name, expires_at })
            }
            _ => Err(errors.into_vec()),
        }
    }
}

/// The answer to creating a key: the key, and its secret and token shown this once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedApiKey {
    #[serde(flatten)]
    pub key: ApiKeyView,
    pub secret: String,
    /// `{id}.{secret}`: what to send as `Authorization: Bearer …`.
    pub token: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_request_reports_every_bad_field() {
        let now: Timestamp = "2026-11-23T12:00:00Z".parse().unwrap();
        let good = CreateApiKeyRequest {
            name: "  ci deploy ".into(),
            expires_at: Some("2026-12-01T00:00:00Z".into()),
        }
        .validate(now)
        .unwrap();
        assert_eq!(good.name.as_str(), "ci deploy");
        assert!(good.expires_at.is_some());
        let no_expiry = CreateApiKeyRequest {
            name: "x".into(),
            expires_at: None,
        };
        assert_eq!(no_expiry.validate(now).unwrap().expires_at, None);
        let errors = CreateApiKeyRequest {
            name: " ".into(),
            expires_at: Some("tomorrow".into()),
        }
        .validate(now)
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "expires_at"]);
        let past = CreateApiKeyRequest {
            name: "x".into(),
            expires_at: Some("2026-11-23T11:00:00Z".into()),
        }
        .validate(now)
        .unwrap_err();
        assert_eq!(past[0].message, "must be in the future");
    }
}
