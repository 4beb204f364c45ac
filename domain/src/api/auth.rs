//! Registration, sign-in, the signed-in user and their password.

use super::accounts::{AccountView, NewOrganization, NewOrganizationRequest};
use crate::error::FieldError;
use crate::ids::UserId;
use crate::text::{DisplayName, Email, Errors, Password};
use serde::{Deserialize, Serialize};
use std::fmt;

/// `POST /api/auth/register`.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct RegisterRequest {
    pub email: String,
    pub password: String,
    pub name: String,
    /// `personal` or `organization`.
    pub account_type: String,
    /// Required when `account_type` is `organization`.
    pub organization: Option<NewOrganizationRequest>,
}

/// `PUT /api/me/password`.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

impl fmt::Debug for ChangePasswordRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ChangePasswordRequest(***)")
    }
}

impl ChangePasswordRequest {
    /// The new password, if it is one and differs from the current one (whether
    /// the current one is right only the server can tell).
    pub fn validate(&self) -> Result<Password, Vec<FieldError>> {
        let mut errors = Errors::default();
        if self.current_password.is_empty() {
            errors.push("current_password".into(), "is required");
        }
        let password = errors.field("", "new_password", Password::parse(&self.new_password));
        match password {
            Some(password) if password.expose() == self.current_password => {
                errors.push(
                    "new_password".into(),
                    "is the current password; choose a different one",
                );
                Err(errors.into_vec())
            }
            Some(password) if errors.is_empty() => Ok(password),
            _ => Err(errors.into_vec()),
        }
    }
}

/// `POST /api/auth/verify-email`: the token of a mailed verification link.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct VerifyEmailRequest {
    pub token: String,
}

/// `POST /api/auth/password-reset`: where to mail a reset link, if an account
/// has that address (the answer is the same either way).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct PasswordResetRequest {
    pub email: String,
}

/// `POST /api/auth/password-reset/confirm`: the mailed token and the new password.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct PasswordResetConfirmRequest {
    pub token: String,
    pub password: String,
}

// Tokens of mailed links are secrets too: never printed.
impl fmt::Debug for VerifyEmailRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("VerifyEmailRequest(***)")
    }
}

impl fmt::Debug for PasswordResetConfirmRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordResetConfirmRequest(***)")
    }
}

impl PasswordResetConfirmRequest {
    /// The new password, if it is one (whether the token is good only the
    /// server can tell).
    pub fn validate(&self) -> Result<Password, Vec<FieldError>> {
        let mut errors = Errors::default();
        if self.token.trim().is_empty() {
            errors.push("token".into(), "is required: open the link from the mail");
        }
        let password = errors.field("", "password", Password::parse(&self.password));
        match password {
            Some(password) if errors.is_empty() => Ok(password),
            _ => Err(errors.into_vec()),
        }
    }
}

/// A checked registration.
#[derive(Clone, Debug)]
pub struct Registration {
    pub email: Email,
    pub password: Password,
    pub name: DisplayName,
    /// The organization to create with the user, if they chose that account type.
    pub organization: Option<NewOrganization>,
}

impl RegisterRequest {
    pub fn validate(&self) -> Result<Registration, Vec<FieldError>> {
        let mut errors = Errors::default();
        let email = errors.field("", "email", Email::parse(&self.email));
        let password = errors.field("", "password", Password::parse(&self.password));
        let name = errors.field("", "name", DisplayName::parse(&self.name));
        let organization = match (self.account_type.as_str(), &self.organization) {
            ("personal", _) => None,
            ("organization", Some(organization)) => match organization.validate("organization") {
                Ok(organization) => Some(organization),
                Err(more) => {
                    errors.extend(more);
                    None
                }
            },
            ("organization", None) => {
                errors.push(
                    "organization".into(),
                    "is required for an organization account",
                );
                None
            }
            _ => {
                errors.push("account_type".into(), "must be personal or organization");
                None
            }
        };
        match (email, password, name) {
            (Some(email), Some(password), Some(name)) if errors.is_empty() => Ok(Registration {
                email,
                password,
                name,
                organization,
            }),
            _ => Err(errors.into_vec()),
        }
    }
}

/// `POST /api/auth/login`.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

// Requests that carry a password never print it.
impl fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginRequest")
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for RegisterRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegisterRequest")
            .field("email", &self.email)
            .field("name", &self.name)
            .field("account_type", &self.account_type)
            .field("organization", &self.organization)
            .finish_non_exhaustive()
    }
}

/// A user as others see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserView {
    pub id: UserId,
    pub email: String,
    pub name: String,
    /// Whether the mailbox answered (SPEC §14): only then do invitations to
    /// this address show and can be accepted by id.
    pub email_verified: bool,
    /// The user's second factors (SPEC §15).
    #[serde(default)]
    pub two_factor: crate::two_factor::TwoFactor,
}

/// `POST /api/auth/login` (200): signed in, or a second factor is needed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum LoginAnswer {
    /// Signed in: the session cookie came with it.
    SignedIn(AuthResponse),
    /// The password was right; the second factor is asked next (SPEC §15).
    TwoFactor(crate::api::TwoFactorChallenge),
}

/// `POST /api/auth/register` (201) and `POST /api/auth/login` (200).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuthResponse {
    pub user: UserView,
    /// Personal account first.
    pub accounts: Vec<AccountView>,
}

/// `GET /api/me`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeResponse {
    pub user: UserView,
    /// Personal account first.
    pub accounts: Vec<AccountView>,
    pub pending_invitations: u64,
    /// How many organizations this user may belong to (the deployment's limit).
    pub max_organizations: u32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::testing::{address, fields};
    use crate::text::BillingAddressInput;

    #[test]
    fn a_personal_registration_needs_email_password_and_name() {
        let request = RegisterRequest {
            email: "Ana@Acme.test".into(),
            password: "correct horse battery".into(),
            name: "Ana".into(),
            account_type: "personal".into(),
            organization: None,
        };
        let registration = request.validate().unwrap();
        assert_eq!(registration.email.as_str(), "ana@acme.test");
        assert!(registration.organization.is_none());
    }

    #[test]
    fn a_registration_reports_every_bad_field_at_once() {
        let request = RegisterRequest {
            email: "nope".into(),
            password: "short".into(),
            name: "".into(),
            account_type: "organization".into(),
            organization: Some(NewOrganizationRequest {
                name: "".into(),
                region: "mars-1".into(),
                billing_address: BillingAddressInput {
                    country: "XX".into(),
                    ..address()
                },
            }),
        };
        assert_eq!(
            fields(request.validate().unwrap_err()),
            [
                "email",
                "password",
                "name",
                "organization.name",
                "organization.region",
                "organization.billing_address.country"
            ]
        );
    }

    #[test]
    fn an_organization_registration_needs_the_organization() {
        let request = RegisterRequest {
            email: "ana@acme.test".into(),
            password: "correct horse battery".into(),
            name: "Ana".into(),
            account_type: "organization".into(),
            organization: None,
        };
        assert_eq!(fields(request.validate().unwrap_err()), ["organization"]);
        let request = RegisterRequest {
            account_type: "team".into(),
            ..request
        };
        assert_eq!(fields(request.validate().unwrap_err()), ["account_type"]);
    }

    fn change(current: &str, new: &str) -> ChangePasswordRequest {
        ChangePasswordRequest {
            current_password: current.into(),
            new_password: new.into(),
        }
    }

    #[test]
    fn a_password_change_needs_the_current_password_and_a_new_valid_one() {
        let ok = change("old password 123", "new password 456")
            .validate()
            .unwrap();
        assert_eq!(ok.expose(), "new password 456");
        assert_eq!(
            fields(change("", "short").validate().unwrap_err()),
            ["current_password", "new_password"]
        );
        assert_eq!(
            fields(
                change("same password 1", "same password 1")
                    .validate()
                    .unwrap_err()
            ),
            ["new_password"]
        );
    }

    #[test]
    fn requests_with_passwords_never_print_them() {
        let login = LoginRequest {
            email: "a@b.test".into(),
            password: "hunter2 hunter2".into(),
        };
        let register = RegisterRequest {
            password: "hunter2 hunter2".into(),
            ..RegisterRequest::default()
        };
        let printed = format!(
            "{login:?} {register:?} {:?}",
            change("hunter2 hunter2", "x")
        );
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(printed.contains("a@b.test"), "{printed}");
    }

    #[test]
    fn a_password_reset_needs_the_token_and_a_valid_password() {
        let request = |token: &str, password: &str| PasswordResetConfirmRequest {
            token: token.into(),
            password: password.into(),
        };
        assert_eq!(
            request("abc", "a long new password")
                .validate()
                .unwrap()
                .expose(),
            "a long new password"
        );
        assert_eq!(
            fields(request(" ", "short").validate().unwrap_err()),
            ["token", "password"]
        );
        assert_eq!(
            format!("{:?}", request("secret-token", "secret password")),
            "PasswordResetConfirmRequest(***)"
        );
    }
}
