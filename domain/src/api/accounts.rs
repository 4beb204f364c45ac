//! Accounts: creating an organization, editing one, and how a member sees it.

use super::me::OrganizationRef;
use crate::catalog::{Plan, Region};
use crate::error::FieldError;
use crate::hierarchy::BillingMode;
use crate::ids::AccountId;
use crate::roles::{AccountKind, AccountStatus, OrgRole};
use crate::text::{join, BillingAddress, BillingAddressInput, Errors, OrgName};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// `POST /api/accounts`, and the organization part of a registration.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct NewOrganizationRequest {
    pub name: String,
    /// A region id from `GET /api/regions`.
    pub region: String,
    pub billing_address: BillingAddressInput,
}

/// A checked new organization.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewOrganization {
    pub name: OrgName,
    pub region: Region,
    pub billing_address: BillingAddress,
}

fn parse_region(raw: &str) -> Result<Region, &'static str> {
    if raw.trim().is_empty() {
        Err("choose a region")
    } else {
        raw.trim()
            .parse()
            .map_err(|_| "must be one of eu-central, eu-north, ch-west, us-east, us-west")
    }
}

impl NewOrganizationRequest {
    /// Checks every field; errors are named under `prefix`.
    pub fn validate(&self, prefix: &str) -> Result<NewOrganization, Vec<FieldError>> {
        let mut errors = Errors::default();
        let name = errors.field(prefix, "name", OrgName::parse(&self.name));
        let region = errors.field(prefix, "region", parse_region(&self.region));
        let billing_address = self.billing_address.parse(&join(prefix, "billing_address"));
        let billing_address = billing_address.map_err(|e| errors.extend(e)).ok();
        match (name, region, billing_address) {
            (Some(name), Some(region), Some(billing_address)) => Ok(NewOrganization {
                name,
                region,
                billing_address,
            }),
            _ => Err(errors.into_vec()),
        }
    }
}

/// `PATCH /api/accounts/{id}`: every field is optional; `region` may only repeat
/// the current region.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct UpdateAccountRequest {
    pub name: Option<String>,
    pub billing_address: Option<BillingAddressInput>,
    /// Only accepted when equal to the current region: a region never changes.
    pub region: Option<String>,
    /// Organizations only, by Owners who have two-factor on (SPEC §15).
    pub require_two_factor: Option<bool>,
}

/// A checked account update.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountUpdate {
    pub name: Option<OrgName>,
    pub billing_address: Option<BillingAddress>,
    pub region: Option<Region>,
    pub require_two_factor: Option<bool>,
}

impl UpdateAccountRequest {
    pub fn validate(&self) -> Result<AccountUpdate, Vec<FieldError>> {
        let mut errors = Errors::default();
        let name = self
            .name
            .as_deref()
            .map(|n| errors.field("", "name", OrgName::parse(n)));
        let region = self
            .region
            .as_deref()
            .map(|r| errors.field("", "region", parse_region(r)));
        let billing_address = self.billing_address.as_ref().map(|a| {
            a.parse("billing_address")
                .map_err(|e| errors.extend(e))
                .ok()
        });
        if !errors.is_empty() {
            return Err(errors.into_vec());
        }
        Ok(AccountUpdate {
            name: name.flatten(),
            billing_address: billing_address.flatten(),
            region: region.flatten(),
            require_two_factor: self.require_two_factor,
        })
    }
}

/// An account as its member sees it, with the member's role.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountView {
    pub id: AccountId,
    pub kind: AccountKind,
    pub name: String,
    /// Organizations only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    /// The caller's role in this account.
    pub role: OrgRole,
    pub status: AccountStatus,
    /// Organizations only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<Region>,
    pub plan: Plan,
    pub credit_cents: i64,
    /// Present for members who may view billing (Owners and Admins).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_address: Option<BillingAddress>,
    /// Whether members need two-factor to work in this organization.
    #[serde(default)]
    pub require_two_factor: bool,
    pub created_at: Timestamp,
    /// The parent organization, for a child (SPEC §17).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<AccountId>,
    /// Who pays: the organization itself, or its parent.
    #[serde(default)]
    pub billing_mode: BillingMode,
    /// When the caller's role here comes from an ancestor: which one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inherited_from: Option<OrganizationRef>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::testing::{address, fields};

    #[test]
    fn a_new_organization_is_checked_field_by_field() {
        let request = NewOrganizationRequest {
            name: " Acme ".into(),
            region: "ch-west".into(),
            billing_address: address(),
        };
        let organization = request.validate("").unwrap();
        assert_eq!(organization.name.as_str(), "Acme");
        assert_eq!(organization.region, Region::ChWest);
        let request = NewOrganizationRequest {
            region: "".into(),
            billing_address: BillingAddressInput::default(),
            ..request
        };
        assert_eq!(
            fields(request.validate("").unwrap_err()),
            [
                "region",
                "billing_address.name",
                "billing_address.street",
                "billing_address.city",
                "billing_address.postal_code",
                "billing_address.country"
            ]
        );
    }

    #[test]
    fn an_account_update_checks_only_what_it_carries() {
        let update = UpdateAccountRequest::default().validate().unwrap();
        assert_eq!(
            update,
            AccountUpdate {
                name: None,
                billing_address: None,
                region: None,
                require_two_factor: None,
            }
        );
        let request = UpdateAccountRequest {
            name: Some("  ".into()),
            billing_address: Some(BillingAddressInput {
                city: "".into(),
                ..address()
            }),
            region: Some("eu-north".into()),
            require_two_factor: Some(true),
        };
        assert_eq!(
            fields(request.validate().unwrap_err()),
            ["name", "billing_address.city"]
        );
    }
}
