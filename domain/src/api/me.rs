//! The signed-in user's own profile, address, sessions and deletion (SPEC §14).

use crate::error::FieldError;
use crate::ids::AccountId;
use crate::text::{DisplayName, Email, Errors};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;

/// `PATCH /api/me`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct UpdateProfileRequest {
    pub name: String,
}

impl UpdateProfileRequest {
    pub fn validate(&self) -> Result<DisplayName, Vec<FieldError>> {
        let mut errors = Errors::default();
        let name = errors.field("", "name", DisplayName::parse(&self.name));
        match name {
            Some(name) if errors.is_empty() => Ok(name),
            _ => Err(errors.into_vec()),
        }
    }
}

/// `PUT /api/me/email`: the new address, and the password to confirm.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ChangeEmailRequest {
    pub email: String,
    pub password: String,
}

impl fmt::Debug for ChangeEmailRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChangeEmailRequest")
            .field("email", &self.email)
            .field("password", &"***")
            .finish()
    }
}

impl ChangeEmailRequest {
    /// The new address, if it is one and differs from `current`.
    pub fn validate(&self, current: &str) -> Result<Email, Vec<FieldError>> {
        let mut errors = Errors::default();
        let email = errors.field("", "email", Email::parse(&self.email));
        if self.password.is_empty() {
            errors.push("password".into(), "is required to change your email");
        }
        match email {
            Some(email) if email.as_str() == current => {
                errors.push("email".into(), "is your current email");
                Err(errors.into_vec())
            }
            Some(email) if errors.is_empty() => Ok(email),
            _ => Err(errors.into_vec()),
        }
    }
}

/// `DELETE /api/me`: the password, to confirm.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct DeleteUserRequest {
    pub password: String,
}

impl fmt::Debug for DeleteUserRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DeleteUserRequest(***)")
    }
}

/// One sign-in of the user, as their sessions list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionView {
    pub id: String,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
    /// The client address it signed in from.
    pub ip: String,
    pub user_agent: String,
    /// "Firefox on Linux", from the user agent.
    pub device: String,
    /// Whether it is the session making this request.
    pub current: bool,
}

/// `GET /api/me/sessions`: every session of the user, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionsView {
    pub items: Vec<SessionView>,
}

/// An organization named in a deletion plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganizationRef {
    pub id: AccountId,
    pub name: String,
}

/// `GET /api/me/deletion`: what deleting the user would do to each of their
/// organizations (`domain::identity::fate_on_deletion`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeletionPlanView {
    /// Where the user is the only member: deleted with them.
    pub deleted_with_user: Vec<OrganizationRef>,
    /// Where others stay: the user leaves.
    pub left: Vec<OrganizationRef>,
    /// Where the user is the last Owner of others: transfer ownership first.
    pub blocked: Vec<OrganizationRef>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::testing::fields;

    #[test]
    fn an_email_change_needs_a_new_valid_address_and_the_password() {
        let request = |email: &str, password: &str| ChangeEmailRequest {
            email: email.into(),
            password: password.into(),
        };
        assert_eq!(
            request(" New@Acme.test ", "pw")
                .validate("old@acme.test")
                .unwrap()
                .as_str(),
            "new@acme.test"
        );
        assert_eq!(
            fields(request("nope", "").validate("old@acme.test").unwrap_err()),
            ["email", "password"]
        );
        assert_eq!(
            fields(
                request("old@acme.test", "pw")
                    .validate("old@acme.test")
                    .unwrap_err()
            ),
            ["email"]
        );
        assert!(!format!("{:?}", request("a@b.c", "secret")).contains("secret"));
    }

    #[test]
    fn a_profile_needs_a_name() {
        let request = |name: &str| UpdateProfileRequest { name: name.into() };
        assert_eq!(request(" Ana ").validate().unwrap().as_str(), "Ana");
        assert_eq!(fields(request("  ").validate().unwrap_err()), ["name"]);
    }
}
