//! Verified domains of an organization (SPEC §16).

use crate::error::FieldError;
use crate::sso::{claimable_domain, DomainStatus};
use crate::text::Errors;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// `POST /api/accounts/{id}/domains`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct NewDomainRequest {
    pub domain: String,
}

impl NewDomainRequest {
    /// The domain, if it is one an organization may claim.
    pub fn validate(&self) -> Result<String, Vec<FieldError>> {
        let mut errors = Errors::default();
        match errors.field("", "domain", claimable_domain(&self.domain)) {
            Some(domain) => Ok(domain),
            None => Err(errors.into_vec()),
        }
    }
}

/// A domain of an organization, with the TXT record that proves it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DomainView {
    pub id: String,
    pub domain: String,
    pub status: DomainStatus,
    /// Where the TXT record goes: `_orgspace-challenge.{domain}`.
    pub txt_name: String,
    /// What it must say.
    pub txt_value: String,
    pub created_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_at: Option<Timestamp>,
}

/// `GET /api/accounts/{id}/domains`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DomainsView {
    pub items: Vec<DomainView>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_domain_is_one_an_organization_may_claim() {
        let ok = NewDomainRequest {
            domain: " Acme.test ".into(),
        };
        assert_eq!(ok.validate(), Ok("acme.test".into()));
        for bad in ["gmail.com", "acme", ""] {
            let request = NewDomainRequest { domain: bad.into() };
            let errors = request.validate().unwrap_err();
            assert_eq!(errors[0].field, "domain", "{bad}");
        }
    }
}
