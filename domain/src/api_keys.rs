//! API keys (SPEC §7): one user's keys in one account. A key is an id shown in
//! lists (`osk_` + 16 characters) and a secret shown once; calls send
//! `Authorization: Bearer {id}.{secret}` and act with the owner's current
//! permissions in the key's account only.
//!
//! Whether a key works is derived, never stored: it works while it is not expired
//! and its owner is a member of the account. So leaving or being removed
//! deactivates a user's keys there, and joining again makes them work again,
//! with no state that could drift.

use crate::error::{Denial, FieldError};
use crate::roles::{decide, AccountKind, OrgRole, Permission};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What every key id starts with.
pub const KEY_ID_PREFIX: &str = "osk_";
/// Characters after the prefix.
pub const KEY_ID_CHARS: usize = 16;
/// The alphabet of key ids (RFC 4648 base32, lower case: no padding, no look-alikes
/// such as 0/O or 1/l).
const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// An API key's public id: `osk_` and 16 characters of `a-z2-7`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, example = "osk_k3v7qz2m4a6b8c5d"))]
#[serde(try_from = "String", into = "String")]
pub struct ApiKeyId(String);

/// Why a text is not a key id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidKeyId;

impl fmt::Display for InvalidKeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "must be an API key id: {KEY_ID_PREFIX} and {KEY_ID_CHARS} characters of a-z and 2-7"
        )
    }
}

impl ApiKeyId {
    /// Checks a key id.
    pub fn parse(raw: &str) -> Result<Self, InvalidKeyId> {
        let rest = raw.strip_prefix(KEY_ID_PREFIX).ok_or(InvalidKeyId)?;
        if rest.len() == KEY_ID_CHARS && rest.bytes().all(|b| ALPHABET.contains(&b)) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(InvalidKeyId)
        }
    }

    /// A key id from 16 random bytes (the server draws them); 80 bits of the
    /// randomness are used, without bias.
    pub fn from_random(bytes: [u8; KEY_ID_CHARS]) -> Self {
        let mut id = String::with_capacity(KEY_ID_PREFIX.len() + KEY_ID_CHARS);
        id.push_str(KEY_ID_PREFIX);
        id.extend(
            bytes
                .iter()
                .map(|b| char::from(ALPHABET[usize::from(b & 31)])),
        );
        Self(id)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ApiKeyId {
    type Error = InvalidKeyId;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<ApiKeyId> for String {
    fn from(value: ApiKeyId) -> String {
        value.0
    }
}

impl fmt::Display for ApiKeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for ApiKeyId {
    type Err = InvalidKeyId;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// Why an `Authorization` header does not carry an API key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BearerError {
    /// Not `Bearer …`.
    NotBearer,
    /// `Bearer` with something that is not `{key id}.{secret}`.
    Malformed,
}

impl BearerError {
    /// The sentence a refused call gets.
    pub const fn message(self) -> &'static str {
        match self {
            Self::NotBearer => "The Authorization header must be \"Bearer {key id}.{secret}\".",
            Self::Malformed => {
                "The bearer token must be an API key's token: its id (osk_…), a dot, and its secret, as shown once when the key was made."
            }
        }
    }
}

impl fmt::Display for BearerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// Reads `Bearer {key id}.{secret}` (the scheme is case-insensitive).
pub fn parse_bearer(header: &str) -> Result<(ApiKeyId, &str), BearerError> {
    let header = header.trim_start();
    let (scheme, token) = header.split_once(' ').unwrap_or((header, ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(BearerError::NotBearer);
    }
    let (id, secret) = token.trim().split_once('.').ok_or(BearerError::Malformed)?;
    let id = ApiKeyId::parse(id).map_err(|_| BearerError::Malformed)?;
    if secret.is_empty() || secret.len() > 200 || !secret.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(BearerError::Malformed);
    }
    Ok((id, secret))
}

/// The token a client sends: `{id}.{secret}`.
pub fn token(id: &ApiKeyId, secret: &str) -> String {
    format!("{id}.{secret}")
}

/// Whether a key works now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum KeyStatus {
    /// It authenticates.
    Active,
    /// Its expiry has passed.
    Expired,
    /// Its owner is not a member of the account (left or was removed); it works
    /// again if they join again.
    Inactive,
}

impl KeyStatus {
    pub const fn id(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Expired => "expired",
            Self::Inactive => "inactive",
        }
    }

    /// For people.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Active => "Active",
            Self::Expired => "Expired",
            Self::Inactive => "Inactive (owner not a member)",
        }
    }

    /// The sentence a refused call gets.
    pub const fn refusal(self) -> Option<&'static str> {
        match self {
            Self::Active => None,
            Self::Expired => Some("This API key has expired. Create a new one."),
            Self::Inactive => Some(
                "This API key is inactive: its owner is no longer a member of the account. It works again if they rejoin.",
            ),
        }
    }
}

/// A key's status from its expiry and whether its owner is a member.
pub fn key_status(
    expires_at: Option<Timestamp>,
    owner_is_member: bool,
    now: Timestamp,
) -> KeyStatus {
    if !owner_is_member {
        KeyStatus::Inactive
    } else if expires_at.is_some_and(|at| at <= now) {
        KeyStatus::Expired
    } else {
        KeyStatus::Active
    }
}

/// The longest a key may live (ten years): a typo such as year 20260 is caught.
pub const MAX_LIFETIME_DAYS: i64 = 3653;

/// Checks a new key's expiry: in the future and at most ten years away.
pub fn check_expiry(expires_at: Option<Timestamp>, now: Timestamp) -> Result<(), FieldError> {
    match expires_at {
        Some(at) if at <= now => Err(FieldError::new("expires_at", "must be in the future")),
        Some(at) if at.as_millis() - now.as_millis() > MAX_LIFETIME_DAYS * 86_400_000 => Err(
            FieldError::new("expires_at", "must be at most ten years away"),
        ),
        _ => Ok(()),
    }
}

/// Whose keys a member sees in a list: Owners see everyone's (so they can revoke
/// them), everyone else their own.
pub fn sees_all_keys(kind: AccountKind, role: OrgRole) -> bool {
    decide(kind, role, Permission::RevokeAnyApiKey).is_ok()
}

/// May a member with `role` revoke a key, theirs (`own`) or someone else's?
pub fn check_revoke(kind: AccountKind, role: OrgRole, own: bool) -> Result<(), Denial> {
    if own {
        decide(kind, role, Permission::ManageOwnApiKeys)
    } else {
        decide(kind, role, Permission::RevokeAnyApiKey)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;
    use proptest::prelude::*;

    #[test]
    fn key_ids_have_the_prefix_and_sixteen_base32_characters() {
        assert!(ApiKeyId::parse("osk_abcdefghijklmn23").is_ok());
        for bad in [
            "",
            "osk_",
            "abcdefghijklmnop",
            "osk_abcdefghijklmn2",
            "osk_abcdefghijklmn234",
            "osk_ABCDEFGHIJKLMN23",
            "osk_abcdefghijklmn01",
            "OSK_abcdefghijklmn23",
        ] {
            assert_eq!(ApiKeyId::parse(bad), Err(InvalidKeyId), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn random_ids_always_parse(bytes in any::<[u8; 16]>()) {
            let id = ApiKeyId::from_random(bytes);
            prop_assert_eq!(ApiKeyId::parse(id.as_str()), Ok(id.clone()));
            prop_assert_eq!(id.as_str().len(), 20);
        }

        #[test]
        fn a_made_token_reads_back(bytes in any::<[u8; 16]>(), secret in "[A-Za-z0-9_-]{1,64}") {
            let id = ApiKeyId::from_random(bytes);
            let header = format!("Bearer {}", token(&id, &secret));
            prop_assert_eq!(parse_bearer(&header), Ok((id, secret.as_str())));
        }

        #[test]
        fn any_header_is_read_without_panicking(header in ".{0,80}") {
            let _ = parse_bearer(&header);
        }
    }

    #[test]
    fn bearer_headers_are_read_strictly() {
        let (id, secret) = parse_bearer("bearer osk_abcdefghijklmn23.s3cr3t").unwrap();
        assert_eq!((id.as_str(), secret), ("osk_abcdefghijklmn23", "s3cr3t"));
        assert_eq!(parse_bearer("Basic abc"), Err(BearerError::NotBearer));
        assert_eq!(
            parse_bearer("osk_abcdefghijklmn23.x"),
            Err(BearerError::NotBearer)
        );
        for bad in [
            "Bearer ",
            "Bearer osk_abcdefghijklmn23",
            "Bearer osk_abcdefghijklmn23.",
            "Bearer osk_bad.secret",
            "Bearer osk_abcdefghijklmn23.sec ret",
        ] {
            assert_eq!(parse_bearer(bad), Err(BearerError::Malformed), "{bad}");
        }
    }

    #[test]
    fn status_follows_membership_then_expiry() {
        let now = Timestamp::from_millis(1_000_000);
        let past = Some(Timestamp::from_millis(999_999));
        let future = Some(Timestamp::from_millis(1_000_001));
        assert_eq!(key_status(None, true, now), KeyStatus::Active);
        assert_eq!(key_status(future, true, now), KeyStatus::Active);
        assert_eq!(key_status(past, true, now), KeyStatus::Expired);
        assert_eq!(key_status(Some(now), true, now), KeyStatus::Expired);
        assert_eq!(key_status(None, false, now), KeyStatus::Inactive);
        assert_eq!(key_status(past, false, now), KeyStatus::Inactive);
        assert!(KeyStatus::Active.refusal().is_none());
        assert!(KeyStatus::Inactive.refusal().unwrap().contains("rejoin"));
    }

    #[test]
    fn expiry_must_be_ahead_and_not_absurdly_far() {
        let now = Timestamp::from_millis(1_000_000);
        assert!(check_expiry(None, now).is_ok());
        assert!(check_expiry(Some(now.plus_seconds(60)), now).is_ok());
        assert_eq!(
            check_expiry(Some(now), now).unwrap_err().message,
            "must be in the future"
        );
        assert!(check_expiry(Some(now.plus_seconds(3653 * 86_400)), now).is_ok());
        assert_eq!(
            check_expiry(Some(now.plus_seconds(3654 * 86_400)), now)
                .unwrap_err()
                .field,
            "expires_at"
        );
    }

    #[test]
    fn every_role_revokes_its_own_and_only_owners_revoke_others() {
        use AccountKind::{Organization, Personal};
        for role in OrgRole::ALL {
            assert!(check_revoke(Organization, role, true).is_ok(), "{role:?}");
            let others = check_revoke(Organization, role, false);
            assert_eq!(others.is_ok(), role == OrgRole::Owner, "{role:?}");
            assert_eq!(sees_all_keys(Organization, role), role == OrgRole::Owner);
            if let Err(denial) = others {
                assert_eq!(denial.code, ErrorCode::Forbidden);
            }
        }
        assert!(check_revoke(Personal, OrgRole::Owner, true).is_ok());
    }
}
