//! Organization hierarchy (SPEC §17): children, links, link requests, the
//! billing mode and the roll-up report.

use super::accounts::{NewOrganization, NewOrganizationRequest};
use super::me::OrganizationRef;
use crate::activity::csv_record;
use crate::error::FieldError;
use crate::hierarchy::BillingMode;
use crate::ids::AccountId;
use crate::roles::AccountStatus;
use crate::text::BillingAddressInput;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// `POST /api/accounts/{id}/children`. Without a billing address the child
/// takes the parent's.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct NewChildRequest {
    pub name: String,
    /// A region id from `GET /api/regions`.
    pub region: String,
    /// `parent` or `own`.
    pub billing: String,
    pub billing_address: Option<BillingAddressInput>,
}

/// A checked new child organization.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewChild {
    pub organization: NewOrganization,
    pub billing: BillingMode,
}

pub(crate) fn parse_billing_mode(field: &str, raw: &str) -> Result<BillingMode, FieldError> {
    raw.trim()
        .parse()
        .map_err(|_| FieldError::new(field, "must be parent or own"))
}

impl NewChildRequest {
    /// Checks every field; a missing billing address is `parent_address`.
    pub fn validate(
        &self,
        parent_address: Option<&BillingAddressInput>,
    ) -> Result<NewChild, Vec<FieldError>> {
        let address = self
            .billing_address
            .as_ref()
            .or(parent_address)
            .cloned()
            .unwrap_or_default();
        let organization = NewOrganizationRequest {
            name: self.name.clone(),
            region: self.region.clone(),
            billing_address: address,
        }
        .validate("");
        let billing = parse_billing_mode("billing", &self.billing);
        match (organization, billing) {
            (Ok(organization), Ok(billing)) => Ok(NewChild {
                organization,
                billing,
            }),
            (organization, billing) => {
                let mut errors = organization.err().unwrap_or_default();
                errors.extend(billing.err());
                Err(errors)
            }
        }
    }
}

/// `POST /api/accounts/{id}/links`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct LinkRequestBody {
    /// The organization to link under this one.
    pub child_id: String,
}

impl LinkRequestBody {
    pub fn validate(&self) -> Result<AccountId, Vec<FieldError>> {
        self.child_id
            .trim()
            .parse()
            .map_err(|_| vec![FieldError::new("child_id", "must be an organization's id")])
    }
}

/// `PUT /api/accounts/{id}/billing-mode`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct BillingModeRequest {
    /// `parent` or `own`.
    pub billing: String,
}

impl BillingModeRequest {
    pub fn validate(&self) -> Result<BillingMode, Vec<FieldError>> {
        parse_billing_mode("billing", &self.billing).map_err(|e| vec![e])
    }
}

/// Where a link request stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LinkRequestStatus {
    Pending,
    Accepted,
    Declined,
}

impl LinkRequestStatus {
    pub const ALL: [LinkRequestStatus; 3] = [Self::Pending, Self::Accepted, Self::Declined];

    pub const fn id(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Declined => "declined",
        }
    }
}

text_enum!(LinkRequestStatus);

/// A request to link `child` under `parent`, waiting for the child's Owner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkRequestView {
    pub id: String,
    pub parent: OrganizationRef,
    pub child: OrganizationRef,
    /// The email of the parent's Owner who asked.
    pub requested_by: String,
    pub status: LinkRequestStatus,
    pub created_at: Timestamp,
}

/// What `POST /api/accounts/{id}/links` did: linked at once (the caller owns
/// both), or asked the child's Owners.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkOutcome {
    /// `true` when the child is linked now.
    pub linked: bool,
    /// The request the child's Owners answer, when not linked at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<LinkRequestView>,
}

/// A descendant in the roll-up: its members, instances, status and billing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChildView {
    pub id: AccountId,
    pub name: String,
    pub parent_id: AccountId,
    /// 1 for a child, 2 for a grandchild.
    pub depth: u8,
    pub billing_mode: BillingMode,
    /// Its own, or its payer's when billed to the parent.
    pub status: AccountStatus,
    pub members: u64,
    pub instances: u64,
    pub created_at: Timestamp,
}

/// Totals of a roll-up report.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportTotals {
    pub organizations: u64,
    pub members: u64,
    pub instances: u64,
    pub active: u64,
    pub suspended: u64,
    pub billed_to_parent: u64,
}

impl ReportTotals {
    pub fn add(&mut self, row: &ChildView) {
        self.organizations += 1;
        self.members += row.members;
        self.instances += row.instances;
        match row.status {
            AccountStatus::Active => self.active += 1,
            AccountStatus::Suspended => self.suspended += 1,
        }
        if row.billing_mode == BillingMode::Parent {
            self.billed_to_parent += 1;
        }
    }
}

/// `GET /api/accounts/{id}/report?format=json`: every descendant, with totals.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HierarchyReport {
    pub items: Vec<ChildView>,
    pub totals: ReportTotals,
    pub next_cursor: Option<String>,
}

/// The CSV header of the report; [`report_csv_row`] writes the rows.
pub fn report_csv_header() -> String {
    csv_record([
        "id",
        "name",
        "parent_id",
        "depth",
        "billing_mode",
        "status",
        "members",
        "instances",
        "created_at",
    ])
}

/// One CSV record of the report (names quoted, formula characters defused).
pub fn report_csv_row(row: &ChildView) -> String {
    csv_record([
        row.id.to_string().as_str(),
        &row.name,
        row.parent_id.to_string().as_str(),
        row.depth.to_string().as_str(),
        row.billing_mode.id(),
        row.status.id(),
        row.members.to_string().as_str(),
        row.instances.to_string().as_str(),
        row.created_at.to_string().as_str(),
    ])
}

/// The totals record that ends the CSV report.
pub fn report_csv_totals(totals: &ReportTotals) -> String {
    let organizations = format!("{} organizations", totals.organizations);
    let billed = format!("{} billed to parent", totals.billed_to_parent);
    let status = format!("{} active, {} suspended", totals.active, totals.suspended);
    csv_record([
        "total",
        organizations.as_str(),
        "",
        "",
        billed.as_str(),
        status.as_str(),
        totals.members.to_string().as_str(),
        totals.instances.to_string().as_str(),
        "",
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::testing::{address, fields};

    #[test]
    fn a_child_takes_the_parents_address_unless_it_has_one() {
        let request = NewChildRequest {
            name: "Acme Labs".into(),
            region: "eu-north".into(),
            billing: "parent".into(),
            billing_address: None,
        };
        let parent = address();
        let child = request.validate(Some(&parent)).unwrap();
        assert_eq!(child.billing, BillingMode::Parent);
        assert_eq!(
            child.organization.billing_address.name.as_str(),
            parent.name
        );
        assert_eq!(
            fields(request.validate(None).unwrap_err()),
            [
                "billing_address.name",
                "billing_address.street",
                "billing_address.city",
                "billing_address.postal_code",
                "billing_address.country"
            ]
        );
        let bad = NewChildRequest {
            billing: "shared".into(),
            region: "mars".into(),
            ..request
        };
        assert_eq!(
            fields(bad.validate(Some(&parent)).unwrap_err()),
            ["region", "billing"]
        );
    }

    #[test]
    fn links_and_billing_modes_are_checked() {
        let id = AccountId::from_uuid(uuid::Uuid::from_u128(7));
        let body = LinkRequestBody {
            child_id: id.to_string(),
        };
        assert_eq!(body.validate(), Ok(id));
        let bad = LinkRequestBody {
            child_id: "acme".into(),
        };
        assert_eq!(fields(bad.validate().unwrap_err()), ["child_id"]);
        let mode = BillingModeRequest {
            billing: " own ".into(),
        };
        assert_eq!(mode.validate(), Ok(BillingMode::Own));
        assert!(BillingModeRequest::default().validate().is_err());
    }

    #[test]
    fn the_report_adds_up_and_quotes_names() {
        let id = AccountId::from_uuid(uuid::Uuid::from_u128(1));
        let row = ChildView {
            id,
            name: "=Labs, Inc".into(),
            parent_id: id,
            depth: 1,
            billing_mode: BillingMode::Parent,
            status: AccountStatus::Active,
            members: 3,
            instances: 2,
            created_at: Timestamp::from_millis(5),
        };
        let mut totals = ReportTotals::default();
        totals.add(&row);
        totals.add(&ChildView {
            status: AccountStatus::Suspended,
            billing_mode: BillingMode::Own,
            ..row.clone()
        });
        assert_eq!(
            (totals.organizations, totals.members, totals.instances),
            (2, 6, 4)
        );
        assert_eq!(
            (totals.active, totals.suspended, totals.billed_to_parent),
            (1, 1, 1)
        );
        let line = report_csv_row(&row);
        assert!(line.contains(",\"'=Labs, Inc\","), "{line}");
        assert!(line.ends_with("\r\n"));
        assert!(report_csv_header().starts_with("id,name,parent_id,"));
        let total = report_csv_totals(&totals);
        assert!(
            total.starts_with("total,2 organizations,,,1 billed to parent,"),
            "{total}"
        );
        assert!(total.contains(",6,4,"), "{total}");
    }
}
