//! Request and response bodies of the HTTP API (SPEC §10, §12), shared by the
//! server and the app so both sides agree on every field.
//!
//! Requests arrive as plain text fields (`…Request`) and are checked by a
//! `validate` method that reports every bad field at once, in the browser's form
//! and in the server's 422 alike.

use crate::catalog::{Plan, Region};
use crate::error::FieldError;
use crate::ids::{AccountId, UserId};
use crate::roles::{
    AccountKind, AccountStatus, Grant, OrgRole, Permission, TeamPermission, TeamRole,
};
use crate::text::{
    join, BillingAddress, BillingAddressInput, DisplayName, Email, Errors, OrgName, Password,
};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// `POST /api/auth/register`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
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

/// `POST /api/auth/login`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
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
}

/// A checked account update.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountUpdate {
    pub name: Option<OrgName>,
    pub billing_address: Option<BillingAddress>,
    pub region: Option<Region>,
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
        })
    }
}

/// A user as others see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserView {
    pub id: UserId,
    pub email: String,
    pub name: String,
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
    pub created_at: Timestamp,
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

/// One page of a list. `next_cursor` is `null` on the last page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// `GET /api/regions`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegionInfo {
    pub id: Region,
    pub label: String,
}

/// `GET /api/plans`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanInfo {
    pub id: Plan,
    pub label: String,
    /// `null` means unlimited.
    pub max_members: Option<u32>,
}

/// An organization role in `GET /api/roles`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoleInfo {
    pub id: OrgRole,
    pub label: String,
    pub description: String,
}

/// A team role in `GET /api/roles`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeamRoleInfo {
    pub id: TeamRole,
    pub label: String,
}

/// A row of the organization permission table: the grant of each role, in the
/// order of `roles`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PermissionRow {
    pub id: Permission,
    pub label: String,
    pub grants: Vec<Grant>,
}

/// A row of the team permission table: whether each team role has it, in the
/// order of `team_roles`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeamPermissionRow {
    pub id: TeamPermission,
    pub label: String,
    pub grants: Vec<bool>,
}

/// `GET /api/roles`: both permission tables of SPEC §3, from `domain`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RolesCatalog {
    pub roles: Vec<RoleInfo>,
    pub team_roles: Vec<TeamRoleInfo>,
    pub permissions: Vec<PermissionRow>,
    pub team_permissions: Vec<TeamPermissionRow>,
}

impl RegionInfo {
    pub fn catalog() -> Vec<RegionInfo> {
        Region::ALL
            .into_iter()
            .map(|id| RegionInfo {
                id,
                label: id.label().to_owned(),
            })
            .collect()
    }
}

impl PlanInfo {
    pub fn catalog() -> Vec<PlanInfo> {
        Plan::ALL
            .into_iter()
            .map(|id| PlanInfo {
                id,
                label: id.label().to_owned(),
                max_members: id.max_members(),
            })
            .collect()
    }
}

impl RolesCatalog {
    pub fn build() -> RolesCatalog {
        RolesCatalog {
            roles: OrgRole::ALL
                .into_iter()
                .map(|id| RoleInfo {
                    id,
                    label: id.label().to_owned(),
                    description: id.description().to_owned(),
                })
                .collect(),
            team_roles: TeamRole::ALL
                .into_iter()
                .map(|id| TeamRoleInfo {
                    id,
                    label: id.label().to_owned(),
                })
                .collect(),
            permissions: Permission::ALL
                .into_iter()
                .map(|id| PermissionRow {
                    id,
                    label: id.label().to_owned(),
                    grants: OrgRole::ALL
                        .into_iter()
                        .map(|r| crate::roles::grant(r, id))
                        .collect(),
                })
                .collect(),
            team_permissions: TeamPermission::ALL
                .into_iter()
                .map(|id| TeamPermissionRow {
                    id,
                    label: id.label().to_owned(),
                    grants: TeamRole::ALL
                        .into_iter()
                        .map(|r| crate::roles::team_grant(r, id))
                        .collect(),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address() -> BillingAddressInput {
        BillingAddressInput {
            name: "Acme AG".into(),
            street: "Bahnhofstrasse 1".into(),
            city: "Zürich".into(),
            postal_code: "8001".into(),
            country: "CH".into(),
        }
    }

    fn fields(errors: Vec<FieldError>) -> Vec<String> {
        errors.into_iter().map(|e| e.field).collect()
    }

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
                region: None
            }
        );
        let request = UpdateAccountRequest {
            name: Some("  ".into()),
            billing_address: Some(BillingAddressInput {
                city: "".into(),
                ..address()
            }),
            region: Some("eu-north".into()),
        };
        assert_eq!(
            fields(request.validate().unwrap_err()),
            ["name", "billing_address.city"]
        );
    }

    #[test]
    fn the_roles_catalog_mirrors_the_tables() {
        let catalog = RolesCatalog::build();
        assert_eq!(catalog.roles.len(), 4);
        assert_eq!(catalog.team_roles.len(), 3);
        assert_eq!(catalog.permissions.len(), 12);
        let invite = &catalog.permissions[3];
        assert_eq!(invite.id, Permission::ManageInvitations);
        assert_eq!(invite.grants, [Grant::Yes, Grant::No, Grant::No, Grant::No]);
        let json = serde_json::to_value(&catalog).unwrap();
        assert_eq!(json["permissions"][7]["grants"][2], "team");
    }
}
