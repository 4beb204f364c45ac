//! Second factors and signing in with one (SPEC §15).
//!
//! WebAuthn's own messages (the options a browser is given, the credential it
//! answers with) pass through as JSON: their shape is the W3C's, checked by the
//! server's WebAuthn library, not here.

use crate::error::FieldError;
use crate::text::Errors;
use crate::time::Timestamp;
use crate::two_factor::{parse_passkey_name, parse_recovery_code, parse_totp_code, Method};
use serde::{Deserialize, Serialize};
use std::fmt;

/// `POST /api/me/two-factor/totp`: a new secret, not on until confirmed.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TotpEnrollment {
    /// Base32, for typing into an authenticator app.
    pub secret: String,
    /// `otpauth://totp/…`, for the QR code.
    pub otpauth_uri: String,
}

impl fmt::Debug for TotpEnrollment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpEnrollment(***)")
    }
}

/// `POST /api/me/two-factor/totp/confirm`: the first code from the app.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ConfirmTotpRequest {
    pub code: String,
}

impl ConfirmTotpRequest {
    pub fn validate(&self) -> Result<String, Vec<FieldError>> {
        let mut errors = Errors::default();
        match errors.field("", "code", parse_totp_code(&self.code)) {
            Some(code) => Ok(code),
            None => Err(errors.into_vec()),
        }
    }
}

/// A fresh set of recovery codes, shown once.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecoveryCodesView {
    /// Ten single-use codes, like `abcde-23456`.
    pub recovery_codes: Vec<String>,
}

impl fmt::Debug for RecoveryCodesView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RecoveryCodesView({} codes)", self.recovery_codes.len())
    }
}

/// A body holding only the password, to confirm a change (new recovery
/// codes, turning two-factor off).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct PasswordConfirmation {
    pub password: String,
}

impl fmt::Debug for PasswordConfirmation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordConfirmation(***)")
    }
}

impl PasswordConfirmation {
    pub fn validate(&self) -> Result<&str, Vec<FieldError>> {
        if self.password.is_empty() {
            return Err(vec![FieldError::new(
                "password",
                "is required to confirm this change",
            )]);
        }
        Ok(&self.password)
    }
}

/// `POST /api/auth/login` when the password was right and a second factor is
/// needed: no session yet, only a pending sign-in cookie for five minutes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TwoFactorChallenge {
    /// Always `true`.
    pub two_factor_required: bool,
    /// The ways this user can answer.
    pub methods: Vec<Method>,
}

/// `POST /api/auth/two-factor`: one of an authenticator code, a recovery code
/// or a passkey's answer (from `POST /api/auth/two-factor/passkey`).
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct SecondFactorRequest {
    pub code: Option<String>,
    pub recovery_code: Option<String>,
    /// The browser's `PublicKeyCredential`, as JSON.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub passkey: Option<serde_json::Value>,
}

impl fmt::Debug for SecondFactorRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecondFactorRequest")
            .field("code", &self.code.as_ref().map(|_| "***"))
            .field("recovery_code", &self.recovery_code.as_ref().map(|_| "***"))
            .field("passkey", &self.passkey.is_some())
            .finish()
    }
}

/// A checked second factor.
#[derive(Clone, PartialEq)]
pub enum SecondFactor {
    Totp(String),
    RecoveryCode(String),
    Passkey(serde_json::Value),
}

impl fmt::Debug for SecondFactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Totp(_) => "Totp(***)",
            Self::RecoveryCode(_) => "RecoveryCode(***)",
            Self::Passkey(_) => "Passkey(…)",
        })
    }
}

impl SecondFactorRequest {
    /// Exactly one answer, read as people type it.
    pub fn validate(&self) -> Result<SecondFactor, Vec<FieldError>> {
        let mut errors = Errors::default();
        let given = [
            self.code.is_some(),
            self.recovery_code.is_some(),
            self.passkey.is_some(),
        ];
        if given.iter().filter(|g| **g).count() != 1 {
            errors.push(
                "body".into(),
                "give exactly one of code, recovery_code or passkey",
            );
            return Err(errors.into_vec());
        }
        let factor = if let Some(code) = &self.code {
            errors
                .field("", "code", parse_totp_code(code))
                .map(SecondFactor::Totp)
        } else if let Some(code) = &self.recovery_code {
            errors
                .field("", "recovery_code", parse_recovery_code(code))
                .map(SecondFactor::RecoveryCode)
        } else {
            match &self.passkey {
                Some(value @ serde_json::Value::Object(_)) => {
                    Some(SecondFactor::Passkey(value.clone()))
                }
                _ => {
                    errors.push(
                        "passkey".into(),
                        "must be the browser's answer to the passkey challenge",
                    );
                    None
                }
            }
        };
        factor.ok_or_else(|| errors.into_vec())
    }
}

/// WebAuthn options for the browser (`navigator.credentials.create` or `.get`),
/// as the W3C's JSON form with base64url bytes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasskeyOptions {
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub options: serde_json::Value,
}

/// `POST /api/me/two-factor/passkeys`: the name and the browser's new credential.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct NewPasskeyRequest {
    pub name: String,
    /// The browser's `PublicKeyCredential`, as JSON.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub credential: serde_json::Value,
}

impl NewPasskeyRequest {
    /// The name; the credential is the WebAuthn library's to check.
    pub fn validate(&self) -> Result<String, Vec<FieldError>> {
        let mut errors = Errors::default();
        let name = errors.field("", "name", parse_passkey_name(&self.name));
        if !self.credential.is_object() {
            errors.push(
                "credential".into(),
                "must be the browser's new passkey credential",
            );
        }
        match name {
            Some(name) if errors.is_empty() => Ok(name),
            _ => Err(errors.into_vec()),
        }
    }
}

/// `PATCH /api/me/two-factor/passkeys/{id}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct RenamePasskeyRequest {
    pub name: String,
}

impl RenamePasskeyRequest {
    pub fn validate(&self) -> Result<String, Vec<FieldError>> {
        let mut errors = Errors::default();
        match errors.field("", "name", parse_passkey_name(&self.name)) {
            Some(name) => Ok(name),
            None => Err(errors.into_vec()),
        }
    }
}

/// One registered passkey.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasskeyView {
    pub id: String,
    pub name: String,
    pub created_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<Timestamp>,
}

/// `GET /api/me/two-factor/passkeys`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasskeysView {
    pub items: Vec<PasskeyView>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(errors: Vec<FieldError>) -> Vec<String> {
        errors.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_second_factor_is_exactly_one_answer() {
        let code = SecondFactorRequest {
            code: Some("123 456".into()),
            ..Default::default()
        };
        assert_eq!(code.validate(), Ok(SecondFactor::Totp("123456".into())));
        let recovery = SecondFactorRequest {
            recovery_code: Some("ABCDE-23456".into()),
            ..Default::default()
        };
        assert_eq!(
            recovery.validate(),
            Ok(SecondFactor::RecoveryCode("abcde23456".into()))
        );
        let passkey = SecondFactorRequest {
            passkey: Some(json!({"id": "x"})),
            ..Default::default()
        };
        assert!(matches!(passkey.validate(), Ok(SecondFactor::Passkey(_))));
        assert_eq!(
            fields(SecondFactorRequest::default().validate().unwrap_err()),
            ["body"]
        );
        let both = SecondFactorRequest {
            code: Some("123456".into()),
            recovery_code: Some("abcde23456".into()),
            ..Default::default()
        };
        assert_eq!(fields(both.validate().unwrap_err()), ["body"]);
        let bad = SecondFactorRequest {
            code: Some("12".into()),
            ..Default::default()
        };
        assert_eq!(fields(bad.validate().unwrap_err()), ["code"]);
        let not_an_object = SecondFactorRequest {
            passkey: Some(json!("x")),
            ..Default::default()
        };
        assert_eq!(fields(not_an_object.validate().unwrap_err()), ["passkey"]);
    }

    #[test]
    fn requests_name_every_bad_field() {
        let confirm = ConfirmTotpRequest { code: "abc".into() };
        assert_eq!(fields(confirm.validate().unwrap_err()), ["code"]);
        let new = NewPasskeyRequest {
            name: " ".into(),
            credential: json!(null),
        };
        assert_eq!(fields(new.validate().unwrap_err()), ["name", "credential"]);
        let rename = RenamePasskeyRequest {
            name: "Laptop".into(),
        };
        assert_eq!(rename.validate(), Ok("Laptop".into()));
        assert_eq!(
            fields(PasswordConfirmation::default().validate().unwrap_err()),
            ["password"]
        );
        let secrets = format!(
            "{:?}{:?}",
            PasswordConfirmation {
                password: "hunter2hunter2".into()
            },
            SecondFactorRequest {
                code: Some("123456".into()),
                ..Default::default()
            }
        );
        assert!(!secrets.contains("hunter2") && !secrets.contains("123456"));
    }
}
