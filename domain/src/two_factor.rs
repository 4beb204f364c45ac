//! Two-factor authentication and an organization's "require two-factor" policy
//! (SPEC §15): the methods, the shape of codes, and what the policy blocks.
//!
//! The cryptography (RFC 6238 codes, WebAuthn) lives in well-kept crates on the
//! server; this module holds the rules both sides apply: which methods a user
//! has, how a typed code is read, and who the policy lets through.

use crate::error::{Denial, ErrorCode};
use crate::roles::{decide, AccountKind, OrgRole, Permission};
use serde::{Deserialize, Serialize};

/// RFC 6238 as SPEC §15 fixes it: SHA-1, 6 digits, 30-second steps.
pub const TOTP_DIGITS: usize = 6;
/// Seconds per TOTP step.
pub const TOTP_STEP_SECONDS: u64 = 30;
/// Steps of clock drift accepted each way.
pub const TOTP_SKEW: u8 = 1;
/// Recovery codes in a set.
pub const RECOVERY_CODES: usize = 10;
/// Characters of a recovery code (without its dash).
pub const RECOVERY_CODE_LEN: usize = 10;
/// The alphabet of recovery codes: lowercase letters and digits without the
/// look-alikes (0/o, 1/l/i), so a code read off paper is typed right.
pub const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
/// How long a signed-in password waits for its second factor.
pub const PENDING_SIGN_IN_SECONDS: i64 = 5 * 60;
/// The longest passkey name.
pub const MAX_PASSKEY_NAME: usize = 64;

/// A way to give the second factor at sign-in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// A code from an authenticator app.
    Totp,
    /// A passkey (WebAuthn).
    Passkey,
    /// One of the single-use recovery codes.
    RecoveryCode,
}

impl Method {
    pub const ALL: [Method; 3] = [Self::Totp, Self::Passkey, Self::RecoveryCode];

    pub const fn id(self) -> &'static str {
        match self {
            Self::Totp => "totp",
            Self::Passkey => "passkey",
            Self::RecoveryCode => "recovery_code",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            Self::Totp => "Authenticator app",
            Self::Passkey => "Passkey",
            Self::RecoveryCode => "Recovery code",
        }
    }
}
text_enum!(Method);

/// A user's second factors, as `GET /api/me` shows them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TwoFactor {
    /// Whether sign-in asks for a second factor.
    pub enabled: bool,
    /// Whether an authenticator app is set up.
    pub totp: bool,
    /// How many passkeys are registered.
    pub passkeys: u32,
    /// Unused recovery codes.
    pub recovery_codes_left: u32,
}

impl TwoFactor {
    /// Two-factor is on once an authenticator app is confirmed; passkeys and
    /// recovery codes are further ways to answer it (as GitHub does, a passkey
    /// is added to two-factor that is on, so losing it never locks one out).
    pub fn new(totp: bool, passkeys: u32, recovery_codes_left: u32) -> Self {
        Self {
            enabled: totp,
            totp,
            passkeys,
            recovery_codes_left,
        }
    }

    /// The methods sign-in offers, in the order the app shows them.
    pub fn methods(&self) -> Vec<Method> {
        if !self.enabled {
            return Vec::new();
        }
        let mut methods = vec![Method::Totp];
        if self.passkeys > 0 {
            methods.push(Method::Passkey);
        }
        methods.push(Method::RecoveryCode);
        methods
    }
}

/// Reads a typed authenticator code: six digits, spaces allowed ("123 456").
pub fn parse_totp_code(input: &str) -> Result<String, &'static str> {
    let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() == TOTP_DIGITS && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(digits)
    } else {
        Err("must be the 6 digits your authenticator app shows")
    }
}

/// Reads a typed recovery code: case, spaces and dashes do not matter.
pub fn parse_recovery_code(input: &str) -> Result<String, &'static str> {
    let code: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let fits =
        code.len() == RECOVERY_CODE_LEN && code.bytes().all(|b| RECOVERY_ALPHABET.contains(&b));
    if fits {
        Ok(code)
    } else {
        Err("must be one of your recovery codes, like abcde-23456")
    }
}

/// A recovery code as shown and downloaded: `abcde-23456`.
pub fn display_recovery_code(code: &str) -> String {
    let (head, tail) = code.split_at(code.len() / 2);
    format!("{head}-{tail}")
}

/// The text file of a set of recovery codes.
pub fn recovery_codes_file(email: &str, codes: &[String]) -> String {
    let mut text = format!(
        "Orgspace recovery codes for {email}\n\n\
         Each code signs you in once when your authenticator app is not at hand.\n\
         Keep them somewhere safe; a new set replaces these.\n\n"
    );
    for code in codes {
        text.push_str(code);
        text.push('\n');
    }
    text
}

/// Reads a passkey's name: 1 to 64 characters, trimmed.
pub fn parse_passkey_name(input: &str) -> Result<String, &'static str> {
    let name = input.trim();
    if name.is_empty() {
        Err("is required, so you can tell your passkeys apart")
    } else if name.chars().count() > MAX_PASSKEY_NAME {
        Err("must be at most 64 characters")
    } else if name.chars().any(char::is_control) {
        Err("must not contain control characters")
    } else {
        Ok(name.to_owned())
    }
}

/// Whether someone with `role` sees which members have two-factor on.
pub const fn sees_members_two_factor(role: OrgRole) -> bool {
    matches!(role, OrgRole::Owner | OrgRole::Admin)
}

/// A request inside an account, as the policy sorts it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountRequest {
    /// `GET /api/accounts/{id}`: the blocked member sees why.
    ViewAccount,
    /// `POST /api/accounts/{id}/leave`: the policy never keeps anyone in.
    Leave,
    /// Everything else.
    Other,
}

fn two_factor_required(message: String) -> Denial {
    Denial::new(ErrorCode::TwoFactorRequired, message)
}

/// Whether a member gets through an account's policy: while it requires
/// two-factor, a member without it may only look at the account and leave.
pub fn policy_gate(
    account_name: &str,
    required: bool,
    has_two_factor: bool,
    request: AccountRequest,
) -> Result<(), Denial> {
    match (required, has_two_factor, request) {
        (false, _, _) | (true, true, _) => Ok(()),
        (true, false, AccountRequest::ViewAccount | AccountRequest::Leave) => Ok(()),
        (true, false, AccountRequest::Other) => Err(two_factor_required(format!(
            "{account_name} requires two-factor authentication. Turn it on from the Two-factor page of your personal account to get in; you can still leave the organization."
        ))),
    }
}

/// Whether someone may join an organization (by accepting an invitation):
/// one that requires two-factor takes only users who have it.
pub fn may_join(account_name: &str, required: bool, has_two_factor: bool) -> Result<(), Denial> {
    if required && !has_two_factor {
        return Err(two_factor_required(format!(
            "{account_name} requires two-factor authentication. Turn it on from the Two-factor page of your personal account, then accept the invitation."
        )));
    }
    Ok(())
}

/// Whether a member with `role` may turn the policy on or off: Owners of an
/// organization (`ManageSecurity`), and turning it on needs their own
/// two-factor first (409, so nobody locks themself out).
pub fn may_set_policy(
    kind: AccountKind,
    role: OrgRole,
    has_two_factor: bool,
    require: bool,
) -> Result<(), Denial> {
    decide(kind, role, Permission::ManageSecurity)?;
    if require && !has_two_factor {
        return Err(Denial::new(
            ErrorCode::TwoFactorRequired,
            "Turn on two-factor authentication for yourself first (the Two-factor page of your personal account): requiring it would otherwise lock you out.",
        ));
    }
    Ok(())
}

/// Whether a user may turn their own two-factor off: not while they belong to
/// an organization that requires it (`requiring` names them).
pub fn may_turn_off(requiring: &[String]) -> Result<(), Denial> {
    match requiring {
        [] => Ok(()),
        [one] => Err(Denial::new(
            ErrorCode::TwoFactorRequired,
            format!("{one} requires two-factor authentication: leave it before turning yours off."),
        )),
        many => Err(Denial::new(
            ErrorCode::TwoFactorRequired,
            format!(
                "{} require two-factor authentication: leave them before turning yours off.",
                many.join(", ")
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_factor_is_on_with_an_authenticator_app_and_offers_every_method_it_has() {
        let off = TwoFactor::new(false, 0, 0);
        assert!(!off.enabled);
        assert!(off.methods().is_empty());
        let app = TwoFactor::new(true, 0, 10);
        assert_eq!(app.methods(), [Method::Totp, Method::RecoveryCode]);
        let both = TwoFactor::new(true, 2, 3);
        assert_eq!(
            both.methods(),
            [Method::Totp, Method::Passkey, Method::RecoveryCode]
        );
        for method in Method::ALL {
            assert_eq!(method.id().parse::<Method>(), Ok(method));
        }
    }

    #[test]
    fn codes_are_read_as_people_type_them() {
        assert_eq!(parse_totp_code(" 123 456 "), Ok("123456".into()));
        for bad in ["12345", "1234567", "12a456", "", "１２３４５６"] {
            assert!(parse_totp_code(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_recovery_code("ABCDE-23456"), Ok("abcde23456".into()));
        assert_eq!(
            parse_recovery_code(" abcde 23456 "),
            Ok("abcde23456".into())
        );
        for bad in ["abcde-2345", "abcde-234567", "abcd0-23456", "abcde-2345l"] {
            assert!(parse_recovery_code(bad).is_err(), "{bad}");
        }
        assert_eq!(display_recovery_code("abcde23456"), "abcde-23456");
        assert_eq!(
            parse_recovery_code(&display_recovery_code("abcde23456")),
            Ok("abcde23456".into())
        );
        let file = recovery_codes_file("ana@acme.test", &["abcde-23456".into()]);
        assert!(file.starts_with("Orgspace recovery codes for ana@acme.test"));
        assert!(file.ends_with("abcde-23456\n"));
    }

    #[test]
    fn passkey_names_are_short_and_printable() {
        assert_eq!(parse_passkey_name("  YubiKey 5 "), Ok("YubiKey 5".into()));
        assert!(parse_passkey_name("   ").is_err());
        assert!(parse_passkey_name(&"k".repeat(65)).is_err());
        assert!(parse_passkey_name("a\u{7}b").is_err());
        assert!(parse_passkey_name(&"k".repeat(64)).is_ok());
    }

    #[test]
    fn the_policy_blocks_members_without_two_factor_except_to_look_and_leave() {
        use AccountRequest::*;
        for request in [ViewAccount, Leave, Other] {
            assert_eq!(policy_gate("Acme", false, false, request), Ok(()));
            assert_eq!(policy_gate("Acme", true, true, request), Ok(()));
        }
        assert_eq!(policy_gate("Acme", true, false, ViewAccount), Ok(()));
        assert_eq!(policy_gate("Acme", true, false, Leave), Ok(()));
        let blocked = policy_gate("Acme", true, false, Other).unwrap_err();
        assert_eq!(blocked.code, ErrorCode::TwoFactorRequired);
        assert!(blocked.message.starts_with("Acme requires two-factor"));
        assert_eq!(may_join("Acme", false, false), Ok(()));
        assert_eq!(may_join("Acme", true, true), Ok(()));
        assert_eq!(
            may_join("Acme", true, false).unwrap_err().code,
            ErrorCode::TwoFactorRequired
        );
    }

    #[test]
    fn only_owners_with_two_factor_turn_the_policy_on() {
        use AccountKind::{Organization, Personal};
        assert_eq!(
            may_set_policy(Organization, OrgRole::Owner, true, true),
            Ok(())
        );
        assert!(sees_members_two_factor(OrgRole::Owner) && sees_members_two_factor(OrgRole::Admin));
        assert!(
            !sees_members_two_factor(OrgRole::Tech) && !sees_members_two_factor(OrgRole::Viewer)
        );
        let own = may_set_policy(Organization, OrgRole::Owner, false, true).unwrap_err();
        assert_eq!(own.code, ErrorCode::TwoFactorRequired);
        // Turning it off needs no second factor of one's own.
        assert_eq!(
            may_set_policy(Organization, OrgRole::Owner, false, false),
            Ok(())
        );
        for role in [OrgRole::Admin, OrgRole::Tech, OrgRole::Viewer] {
            let denied = may_set_policy(Organization, role, true, true).unwrap_err();
            assert_eq!(denied.code, ErrorCode::Forbidden, "{role:?}");
        }
        assert_eq!(
            may_set_policy(Personal, OrgRole::Owner, true, true)
                .unwrap_err()
                .code,
            ErrorCode::Forbidden
        );
    }

    #[test]
    fn two_factor_stays_on_while_an_organization_requires_it() {
        assert_eq!(may_turn_off(&[]), Ok(()));
        let one = may_turn_off(&["Acme".into()]).unwrap_err();
        assert_eq!(one.code, ErrorCode::TwoFactorRequired);
        assert!(one.message.starts_with("Acme requires"));
        let two = may_turn_off(&["Acme".into(), "Beta".into()]).unwrap_err();
        assert!(two.message.starts_with("Acme, Beta require"));
    }
}
