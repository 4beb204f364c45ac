//! The cryptography of second factors, all from well-kept crates: RFC 6238
//! codes through `totp-rs`, passkeys through `webauthn-rs`, and random
//! recovery codes (stored as SHA-256, like every other token).
//!
//! The rules around them (which methods a user has, how typed codes read, what
//! an organization's policy blocks) are `domain::two_factor`'s.

use crate::config::Config;
use crate::error::{ApiError, ApiResult};
use domain::api::TotpEnrollment;
use domain::two_factor::{
    RECOVERY_ALPHABET, RECOVERY_CODES, RECOVERY_CODE_LEN, TOTP_DIGITS, TOTP_STEP_SECONDS,
};
use domain::Timestamp;
use rand::Rng;
use std::fmt;
use totp_rs::{Algorithm, Secret, TOTP};
use webauthn_rs::prelude::Url;
use webauthn_rs::{Webauthn, WebauthnBuilder};

/// The issuer authenticator apps show next to the code.
const ISSUER: &str = "Orgspace";

/// An authenticator app's shared secret, base32. Its `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(String);

impl fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpSecret(***)")
    }
}

impl TotpSecret {
    /// A new random secret of 160 bits (RFC 4226's recommendation).
    pub fn generate() -> Self {
        Self(Secret::generate_secret().to_encoded().to_string())
    }

    /// A secret as stored.
    pub fn from_stored(base32: String) -> Self {
        Self(base32)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn totp(&self, account_name: &str) -> ApiResult<TOTP> {
        let bytes = Secret::Encoded(self.0.clone())
            .to_bytes()
            .map_err(|e| ApiError::Internal(format!("stored TOTP secret is not base32: {e:?}")))?;
        TOTP::new(
            Algorithm::SHA1,
            TOTP_DIGITS,
            0,
            TOTP_STEP_SECONDS,
            bytes,
            Some(ISSUER.to_owned()),
            account_name.to_owned(),
        )
        .map_err(|e| ApiError::Internal(format!("TOTP secret rejected: {e}")))
    }

    /// What the app shows to set up an authenticator for `email`.
    pub fn enrollment(&self, email: &str) -> ApiResult<TotpEnrollment> {
        // An otpauth label cannot hold ':'; no valid email has one, but a
        // label is only a label.
        let label = email.replace(':', "");
        Ok(TotpEnrollment {
            secret: self.0.clone(),
            otpauth_uri: self.totp(&label)?.get_url(),
        })
    }

    /// The 30-second step `code` was made for, if it matches the step of `now`
    /// or one step before or after (clock drift). A code is accepted once:
    /// callers refuse a step that is not newer than the last one used.
    pub fn matching_step(&self, code: &str, now: Timestamp) -> ApiResult<Option<u64>> {
        let totp = self.totp(ISSUER)?;
        let seconds = u64::try_from(now.as_millis() / 1000).unwrap_or(0);
        let current = seconds / TOTP_STEP_SECONDS;
        let mut steps = vec![current.saturating_sub(1), current, current + 1];
        steps.dedup();
        // `check` compares in constant time; every candidate is checked.
        let mut found = None;
        for step in steps {
            if totp.check(code, step * TOTP_STEP_SECONDS) && found.is_none() {
                found = Some(step);
            }
        }
        Ok(found)
    }
}

/// A fresh set of recovery codes, in their stored (undashed) form.
pub fn new_recovery_codes() -> Vec<String> {
    let mut rng = rand::rngs::OsRng;
    (0..RECOVERY_CODES)
        .map(|_| {
            (0..RECOVERY_CODE_LEN)
                .map(|_| char::from(RECOVERY_ALPHABET[rng.gen_range(0..RECOVERY_ALPHABET.len())]))
                .collect()
        })
        .collect()
}

/// The WebAuthn relying party of this deployment: its public address, which
/// must name a domain (browsers refuse passkeys for a bare IP address). `None`
/// when it does not; passkeys are then unavailable and say why.
pub fn relying_party(config: &Config) -> Option<Webauthn> {
    let url = Url::parse(&config.base_url()).ok()?;
    let rp_id = url.domain()?.to_owned();
    let built =
        WebauthnBuilder::new(&rp_id, &url).and_then(|builder| builder.rp_name(ISSUER).build());
    match built {
        Ok(webauthn) => Some(webauthn),
        Err(error) => {
            tracing::warn!(%error, %url, "passkeys are unavailable at this address");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238, appendix B: the SHA-1 rows (8 digits, secret "12345678901234567890").
    #[test]
    fn totp_rs_reproduces_the_rfc_6238_test_vectors() {
        let secret = b"12345678901234567890".to_vec();
        let totp = TOTP::new_unchecked(Algorithm::SHA1, 8, 0, 30, secret, None, String::new());
        for (time, code) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(totp.generate(time), code, "T = {time}");
        }
    }

    fn rfc_secret() -> TotpSecret {
        TotpSecret(
            Secret::Raw(b"12345678901234567890".to_vec())
                .to_encoded()
                .to_string(),
        )
    }

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_millis(seconds * 1000)
    }

    #[test]
    fn a_code_matches_its_step_and_one_step_of_drift_each_way() {
        let secret = rfc_secret();
        // The 6-digit code of T = 59 (step 1) is the RFC's 8-digit one, cut.
        assert_eq!(secret.matching_step("287082", at(59)).unwrap(), Some(1));
        assert_eq!(secret.matching_step("287082", at(89)).unwrap(), Some(1));
        assert_eq!(secret.matching_step("287082", at(30)).unwrap(), Some(1));
        assert_eq!(secret.matching_step("287082", at(0)).unwrap(), Some(1));
        assert_eq!(secret.matching_step("287082", at(90)).unwrap(), None);
        assert_eq!(secret.matching_step("000000", at(59)).unwrap(), None);
        let step = 1_111_111_109 / 30;
        assert_eq!(
            secret.matching_step("081804", at(1_111_111_109)).unwrap(),
            Some(step)
        );
    }

    #[test]
    fn enrollment_names_the_issuer_and_the_account() {
        let secret = TotpSecret::generate();
        assert_eq!(secret.as_str().len(), 32, "160 bits in base32");
        let enrollment = secret.enrollment("ana@acme.test").unwrap();
        assert!(enrollment
            .otpauth_uri
            .starts_with("otpauth://totp/Orgspace:ana%40acme.test?"));
        assert!(enrollment
            .otpauth_uri
            .contains(&format!("secret={}", secret.as_str())));
        assert!(enrollment.otpauth_uri.contains("issuer=Orgspace"));
        assert!(!format!("{secret:?}").contains(secret.as_str()));
    }

    #[test]
    fn recovery_codes_are_ten_distinct_codes_people_can_type() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), 10);
        let distinct: std::collections::BTreeSet<_> = codes.iter().collect();
        assert_eq!(distinct.len(), 10);
        for code in &codes {
            let shown = domain::two_factor::display_recovery_code(code);
            assert_eq!(
                domain::two_factor::parse_recovery_code(&shown).as_ref(),
                Ok(code)
            );
        }
    }

    #[test]
    fn passkeys_need_a_domain_name() {
        let mut config = Config::defaults();
        config.public_url = Some("http://127.0.0.1:8080".into());
        assert!(relying_party(&config).is_none());
        config.public_url = Some("http://localhost:8080".into());
        assert!(relying_party(&config).is_some());
        config.public_url = Some("https://console.orgspace.example".into());
        assert!(relying_party(&config).is_some());
    }
}
