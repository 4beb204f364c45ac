//! Verified domains and single sign-on (SPEC §16): what a domain name is, which
//! ones an organization may not claim, and the DNS record that proves it owns
//! one.

use serde::{Deserialize, Serialize};

/// The label in front of a domain under which its TXT record is looked up.
pub const TXT_LABEL: &str = "_orgspace-challenge";
/// What the TXT record's text starts with.
pub const TXT_PREFIX: &str = "orgspace-domain-verification=";

/// Mail providers whose addresses belong to their users, not to an
/// organization: nobody may claim them.
pub const PUBLIC_MAIL_DOMAINS: &[&str] = &[
    "163.com",
    "aol.com",
    "fastmail.com",
    "gmail.com",
    "gmx.com",
    "gmx.de",
    "gmx.net",
    "googlemail.com",
    "hey.com",
    "hotmail.com",
    "icloud.com",
    "live.com",
    "mac.com",
    "mail.com",
    "mail.ru",
    "me.com",
    "msn.com",
    "outlook.com",
    "pm.me",
    "proton.me",
    "protonmail.com",
    "qq.com",
    "t-online.de",
    "tutanota.com",
    "web.de",
    "yahoo.com",
    "yandex.com",
    "yandex.ru",
    "zoho.com",
];

/// Whether a domain is pending proof or proven (its TXT record was found).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DomainStatus {
    Pending,
    Verified,
}

impl DomainStatus {
    pub const ALL: [DomainStatus; 2] = [Self::Pending, Self::Verified];

    pub const fn id(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Verified => "verified",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::Verified => "Verified",
        }
    }
}
text_enum!(DomainStatus);

/// Reads a domain name as people type it: case and a final dot do not matter;
/// two labels or more, each of letters, digits and inner hyphens; no IP address.
pub fn parse_domain(input: &str) -> Result<String, &'static str> {
    let domain = input.trim().trim_end_matches('.').to_ascii_lowercase();
    if domain.is_empty() {
        return Err("is required");
    }
    if domain.len() > 253 {
        return Err("must be at most 253 characters");
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return Err("must be a full domain name, like acme.com");
    }
    for label in &labels {
        let fits = !label.is_empty()
            && label.len() <= 63
            && label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-');
        if !fits {
            return Err("must be a domain name of letters, digits and hyphens, like acme.com");
        }
    }
    if labels
        .last()
        .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err("must be a domain name, not an IP address");
    }
    Ok(domain)
}

/// Whether `domain` is a public mail provider's.
pub fn is_public_mail_domain(domain: &str) -> bool {
    PUBLIC_MAIL_DOMAINS.contains(&domain)
}

/// A domain an organization may claim: a valid name, not a public mail provider's.
pub fn claimable_domain(input: &str) -> Result<String, &'static str> {
    let domain = parse_domain(input)?;
    if is_public_mail_domain(&domain) {
        return Err("is a public mail provider's: add a domain your organization owns");
    }
    Ok(domain)
}

/// Where the TXT record goes: `_orgspace-challenge.acme.com`.
pub fn txt_name(domain: &str) -> String {
    format!("{TXT_LABEL}.{domain}")
}

/// The TXT record's text for a domain's token.
pub fn txt_value(token: &str) -> String {
    format!("{TXT_PREFIX}{token}")
}

/// Whether the TXT records found prove the token (one of them is its text,
/// quotes and surrounding spaces aside, as DNS consoles add them).
pub fn proves(records: &[String], token: &str) -> bool {
    let expected = txt_value(token);
    records
        .iter()
        .any(|record| record.trim().trim_matches('"') == expected)
}

/// Whether a user whose address is on a verified domain of an organization
/// that requires single sign-on may sign in with a password: only that
/// organization's Owners with two-factor on (break-glass, should the
/// provider be down).
pub fn password_sign_in(
    organization: &str,
    required: bool,
    owner_with_two_factor: bool,
) -> Result<(), crate::error::Denial> {
    if required && !owner_with_two_factor {
        return Err(crate::error::Denial::new(
            crate::error::ErrorCode::SsoRequired,
            format!("{organization} signs this address in with single sign-on: use \"Use single sign-on (SSO)\" on the sign-in page."),
        ));
    }
    Ok(())
}

/// Whether an address may be invited by email: not one on a verified domain
/// of an organization that requires single sign-on (its people join by
/// signing in).
pub fn invite_by_email(organization: &str, required: bool) -> Result<(), crate::error::Denial> {
    if required {
        return Err(crate::error::Denial::new(
            crate::error::ErrorCode::SsoRequired,
            format!("{organization} requires single sign-on for this domain: its people join by signing in with SSO, not by invitation."),
        ));
    }
    Ok(())
}

/// The domain of an email address (after its last `@`), lowercase.
pub fn email_domain(email: &str) -> Option<String> {
    email
        .rsplit_once('@')
        .map(|(_, domain)| domain.to_ascii_lowercase())
        .filter(|domain| !domain.is_empty())
}

/// Why a sign-in at an organization's identity provider signed no one in:
/// the code in `/sso/error?code=…` and in the `sso.failed` activity entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SsoFailure {
    /// The state or RelayState is unknown, used, or from another browser.
    StateInvalid,
    /// The sign-in took too long, or the provider's answer is out of its time.
    Expired,
    /// The provider refused or cancelled the sign-in.
    ProviderRefused,
    /// The provider's answer did not check out (OpenID: the code or ID token).
    TokenRefused,
    /// SAML: the answer is not signed by the organization's provider.
    SignatureInvalid,
    /// SAML: the answer was meant for another service (audience, recipient,
    /// destination) or comes from another provider (issuer).
    AudienceMismatch,
    /// SAML: this assertion was used before.
    Replayed,
    /// The provider did not vouch for the address.
    EmailUnverified,
    /// The address is not on a verified domain of the organization.
    DomainMismatch,
    /// No seat, or the person is in as many organizations as allowed.
    JoinRefused,
    /// The provider or the connection could not be used.
    Unavailable,
}

impl SsoFailure {
    pub const ALL: [SsoFailure; 11] = [
        Self::StateInvalid,
        Self::Expired,
        Self::ProviderRefused,
        Self::TokenRefused,
        Self::SignatureInvalid,
        Self::AudienceMismatch,
        Self::Replayed,
        Self::EmailUnverified,
        Self::DomainMismatch,
        Self::JoinRefused,
        Self::Unavailable,
    ];

    pub const fn id(self) -> &'static str {
        match self {
            Self::StateInvalid => "state_invalid",
            Self::Expired => "expired",
            Self::ProviderRefused => "provider_refused",
            Self::TokenRefused => "token_refused",
            Self::SignatureInvalid => "signature_invalid",
            Self::AudienceMismatch => "audience_mismatch",
            Self::Replayed => "replayed",
            Self::EmailUnverified => "email_unverified",
            Self::DomainMismatch => "domain_mismatch",
            Self::JoinRefused => "join_refused",
            Self::Unavailable => "unavailable",
        }
    }

    /// The failure with this code; `None` for anything else.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.id() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_are_read_as_people_type_them() {
        assert_eq!(parse_domain(" Acme.COM. "), Ok("acme.com".into()));
        assert_eq!(
            parse_domain("eu.acme-corp.co.uk"),
            Ok("eu.acme-corp.co.uk".into())
        );
        for bad in [
            "",
            "acme",
            "acme..com",
            "-acme.com",
            "acme-.com",
            "ac me.com",
            "acme.com/x",
            "127.0.0.1",
            "user@acme.com",
            "ümlaut.de",
        ] {
            assert!(parse_domain(bad).is_err(), "{bad:?}");
        }
        assert!(parse_domain(&format!("{}.com", "a".repeat(64))).is_err());
        assert!(parse_domain(&format!("{}.com", "a".repeat(63))).is_ok());
    }

    #[test]
    fn public_mail_domains_cannot_be_claimed() {
        assert!(claimable_domain("Gmail.com").is_err());
        assert!(claimable_domain("outlook.com").is_err());
        assert_eq!(claimable_domain("acme.test"), Ok("acme.test".into()));
        // A company's own subdomain of a provider-like name is its own.
        assert!(claimable_domain("mail.acme.test").is_ok());
    }

    #[test]
    fn the_txt_record_proves_the_token() {
        assert_eq!(txt_name("acme.com"), "_orgspace-challenge.acme.com");
        let value = txt_value("abc123");
        assert_eq!(value, "orgspace-domain-verification=abc123");
        assert!(proves(&["v=spf1 -all".into(), value.clone()], "abc123"));
        assert!(proves(&[format!("\"{value}\" ")], "abc123"));
        assert!(!proves(
            &["orgspace-domain-verification=other".into()],
            "abc123"
        ));
        assert!(!proves(&[], "abc123"));
        for status in DomainStatus::ALL {
            assert_eq!(status.id().parse::<DomainStatus>(), Ok(status));
        }
    }

    #[test]
    fn enforced_sso_leaves_owners_with_two_factor_a_way_in() {
        use crate::error::ErrorCode;
        assert_eq!(password_sign_in("Acme", false, false), Ok(()));
        assert_eq!(password_sign_in("Acme", true, true), Ok(()));
        let refused = password_sign_in("Acme", true, false).unwrap_err();
        assert_eq!(refused.code, ErrorCode::SsoRequired);
        assert!(refused.message.contains("single sign-on (SSO)"));
        assert_eq!(invite_by_email("Acme", false), Ok(()));
        assert_eq!(
            invite_by_email("Acme", true).unwrap_err().code,
            ErrorCode::SsoRequired
        );
    }

    #[test]
    fn an_email_names_its_domain() {
        assert_eq!(email_domain("ana@Acme.com"), Some("acme.com".into()));
        assert_eq!(email_domain("a@b@acme.com"), Some("acme.com".into()));
        assert_eq!(email_domain("nobody"), None);
        assert_eq!(email_domain("nobody@"), None);
    }

    #[test]
    fn every_sso_failure_has_one_code() {
        let codes: std::collections::HashSet<_> = SsoFailure::ALL.iter().map(|f| f.id()).collect();
        assert_eq!(codes.len(), SsoFailure::ALL.len());
        for failure in SsoFailure::ALL {
            assert_eq!(SsoFailure::parse(failure.id()), Some(failure));
        }
        assert_eq!(SsoFailure::parse("<script>"), None);
    }
}
