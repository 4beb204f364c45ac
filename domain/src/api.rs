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

/// One team of an invitation or a member, with the team role.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeamRoleView {
    pub team_id: crate::TeamId,
    pub name: String,
    pub role: TeamRole,
}

/// A member of an organization.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberView {
    pub user_id: UserId,
    pub email: String,
    pub name: String,
    pub role: OrgRole,
    pub joined_at: Timestamp,
    pub teams: Vec<TeamRoleView>,
}

/// A team, as listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeamView {
    pub id: crate::TeamId,
    pub name: String,
    pub members_count: u64,
    /// The caller's role in this team, if they have one.
    #[serde(default)]
    pub my_role: Option<TeamRole>,
}

/// Who sent an invitation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InviterView {
    pub user_id: UserId,
    pub name: String,
}

/// An invitation to an organization.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitationView {
    pub id: crate::ids::InvitationId,
    pub account_id: AccountId,
    pub account_name: String,
    pub email: String,
    pub role: OrgRole,
    pub teams: Vec<TeamRoleView>,
    pub status: crate::invitation::InvitationStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// `null` when the inviter's user no longer exists.
    pub invited_by: Option<InviterView>,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

/// One team to join with an invitation, as sent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct TeamAssignmentRequest {
    pub team_id: String,
    /// `team_admin`, `team_member` or `team_viewer`.
    pub role: String,
}

/// `POST /api/accounts/{id}/invitations`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct CreateInvitationRequest {
    pub email: String,
    /// `owner`, `admin`, `tech` or `viewer`.
    pub role: String,
    /// At least one team; when absent, "My Team" as team member.
    pub teams: Option<Vec<TeamAssignmentRequest>>,
    /// At most 500 characters.
    pub note: Option<String>,
}

/// A checked invitation request. `teams` is empty when the request named none
/// (the server then uses the first team, "My Team", as team member).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewInvitation {
    pub email: Email,
    pub role: OrgRole,
    pub teams: Vec<(crate::TeamId, TeamRole)>,
    pub note: Option<String>,
}

/// The longest note an invitation may carry.
pub const MAX_NOTE_CHARS: usize = 500;

impl CreateInvitationRequest {
    pub fn validate(&self) -> Result<NewInvitation, Vec<FieldError>> {
        let mut errors = Errors::default();
        let email = errors.field("", "email", Email::parse(&self.email));
        let role = errors.field(
            "",
            "role",
            self.role
                .parse::<OrgRole>()
                .map_err(|_| "must be owner, admin, tech or viewer"),
        );
        let mut teams = Vec::new();
        match &self.teams {
            Some(list) if list.is_empty() => {
                errors.push("teams".into(), "choose at least one team")
            }
            Some(list) => {
                for (i, team) in list.iter().enumerate() {
                    let prefix = format!("teams[{i}]");
                    let id = errors.field(
                        &prefix,
                        "team_id",
                        team.team_id
                            .trim()
                            .parse::<crate::TeamId>()
                            .map_err(|_| "must be a team id"),
                    );
                    let role = errors.field(
                        &prefix,
                        "role",
                        team.role
                            .parse::<TeamRole>()
                            .map_err(|_| "must be team_admin, team_member or team_viewer"),
                    );
                    if let (Some(id), Some(role)) = (id, role) {
                        if teams.iter().any(|(t, _)| *t == id) {
                            errors.push(join(&prefix, "team_id"), "names a team twice");
                        } else {
                            teams.push((id, role));
                        }
                    }
                }
            }
            None => {}
        }
        let note = self
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty());
        if let Some(note) = note {
            if note.chars().count() > MAX_NOTE_CHARS {
                errors.push(
                    "note".into(),
                    format!("must be at most {MAX_NOTE_CHARS} characters"),
                );
            } else if note
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
            {
                errors.push("note".into(), "must not contain control characters");
            }
        }
        match (email, role) {
            (Some(email), Some(role)) if errors.is_empty() => Ok(NewInvitation {
                email,
                role,
                teams,
                note: note.map(str::to_owned),
            }),
            _ => Err(errors.into_vec()),
        }
    }
}

/// `PATCH /api/accounts/{id}/members/{user_id}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ChangeRoleRequest {
    pub role: String,
}

/// `POST /api/accounts/{id}/transfer-ownership`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct TransferOwnershipRequest {
    /// The member who becomes an Owner.
    pub user_id: String,
    /// The caller's role afterwards; `admin` when absent.
    pub new_role: Option<String>,
}

/// `PUT /api/accounts/{id}/plan`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ChangePlanRequest {
    pub plan: String,
}

/// `POST /api/invitations/accept-token` and `POST /api/invitations/preview`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct InvitationTokenRequest {
    pub token: String,
}

/// Parses a role field, reporting it under `field`.
pub fn parse_role(field: &str, raw: &str) -> Result<OrgRole, Vec<FieldError>> {
    raw.parse().map_err(|_| {
        vec![FieldError::new(
            field,
            "must be owner, admin, tech or viewer",
        )]
    })
}

/// Parses a plan field.
pub fn parse_plan(raw: &str) -> Result<Plan, Vec<FieldError>> {
    raw.parse().map_err(|_| {
        vec![FieldError::new(
            "plan",
            "must be hobby, starter, startup, business or enterprise",
        )]
    })
}

#[cfg(test)]
mod invitation_request_tests {
    use super::*;

    fn request(
        teams: Option<Vec<TeamAssignmentRequest>>,
        note: Option<&str>,
    ) -> CreateInvitationRequest {
        CreateInvitationRequest {
            email: " Bob@Acme.test ".into(),
            role: "tech".into(),
            teams,
            note: note.map(str::to_owned),
        }
    }

    #[test]
    fn an_invitation_without_teams_defaults_later() {
        let invite = request(None, Some("  Welcome!  ")).validate().unwrap();
        assert_eq!(invite.email.as_str(), "bob@acme.test");
        assert_eq!(invite.role, OrgRole::Tech);
        assert!(invite.teams.is_empty());
        assert_eq!(invite.note.as_deref(), Some("Welcome!"));
    }

    #[test]
    fn an_invitation_checks_teams_and_note() {
        let id = "01a207f5-9592-7070-a7b6-5f1a97a5e3e7";
        let team = |team_id: &str, role: &str| TeamAssignmentRequest {
            team_id: team_id.into(),
            role: role.into(),
        };
        let errors = request(
            Some(vec![
                team(id, "team_boss"),
                team("x", "team_member"),
                team(id, "team_member"),
                team(id, "team_viewer"),
            ]),
            Some(&"n".repeat(501)),
        )
        .validate()
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "teams[0].role",
                "teams[1].team_id",
                "teams[3].team_id",
                "note"
            ]
        );
        assert_eq!(
            request(Some(vec![]), None).validate().unwrap_err()[0].field,
            "teams"
        );
        let bad = CreateInvitationRequest {
            email: "x".into(),
            role: "boss".into(),
            teams: None,
            note: None,
        };
        let fields: Vec<_> = bad
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["email", "role"]);
    }
}

/// `GET /api/accounts/{id}/billing`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BillingView {
    pub status: AccountStatus,
    pub credit_cents: i64,
    pub plan: Plan,
    /// `null` is unlimited.
    pub max_members: Option<u32>,
    pub members: u32,
    pub pending_invitations: u32,
    pub billing_address: Option<BillingAddress>,
}

/// `POST /api/accounts/{id}/funds`. Send an `Idempotency-Key` header so a retried
/// payment is charged once.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct FundsRequest {
    /// 1 to 10,000,000 cents.
    pub amount_cents: i64,
}

/// `POST /api/accounts/{id}/teams` and `PATCH …/teams/{team_id}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct TeamNameRequest {
    pub name: String,
}

impl TeamNameRequest {
    pub fn validate(&self) -> Result<crate::text::TeamName, Vec<FieldError>> {
        crate::text::TeamName::parse(&self.name)
            .map_err(|e| vec![FieldError::new("name", e.to_string())])
    }
}

/// `PUT /api/accounts/{id}/teams/{team_id}/members/{user_id}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct TeamMemberRequest {
    /// `team_admin`, `team_member` or `team_viewer`.
    pub role: String,
}

impl TeamMemberRequest {
    pub fn validate(&self) -> Result<TeamRole, Vec<FieldError>> {
        self.role.parse().map_err(|_| {
            vec![FieldError::new(
                "role",
                "must be team_admin, team_member or team_viewer",
            )]
        })
    }
}

/// An instance (SPEC §9, §12).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InstanceView {
    pub id: crate::ids::InstanceId,
    pub name: String,
    pub size: crate::resources::InstanceSize,
    /// The owning team; `null` in a personal account (its one implicit team).
    pub team_id: Option<crate::TeamId>,
    /// The owning team's name; `null` in a personal account.
    pub team_name: Option<String>,
    /// The account's region (an organization's; `null` for a personal account).
    pub region: Option<Region>,
    pub created_at: Timestamp,
}

/// `POST /api/accounts/{id}/instances`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct CreateInstanceRequest {
    /// 1–63 characters: lower-case letters, digits and dashes (a DNS label).
    pub name: String,
    /// `small`, `medium` or `large`.
    pub size: String,
    /// The owning team. In an organization it may be left out when the caller can
    /// create resources in exactly one team; ignored in a personal account.
    pub team_id: Option<String>,
}

/// A checked [`CreateInstanceRequest`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewInstance {
    pub name: crate::resources::InstanceName,
    pub size: crate::resources::InstanceSize,
    pub team_id: Option<crate::TeamId>,
}

impl CreateInstanceRequest {
    pub fn validate(&self) -> Result<NewInstance, Vec<FieldError>> {
        let mut errors = Errors::default();
        let name = errors.field(
            "",
            "name",
            crate::resources::InstanceName::parse(&self.name),
        );
        let size = match self.size.parse() {
            Ok(size) => Some(size),
            Err(()) => {
                errors.push("size".into(), "must be small, medium or large");
                None
            }
        };
        let team_id = match self.team_id.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => match raw.parse() {
                Ok(id) => Some(id),
                Err(_) => {
                    errors.push("team_id".into(), "must be a team id");
                    None
                }
            },
        };
        match (name, size) {
            (Some(name), Some(size)) if errors.is_empty() => Ok(NewInstance {
                name,
                size,
                team_id,
            }),
            _ => Err(errors.into_vec()),
        }
    }
}

#[cfg(test)]
mod instance_tests {
    use super::*;

    #[test]
    fn instance_requests_report_every_bad_field() {
        let request = CreateInstanceRequest {
            name: "Web_1".into(),
            size: "huge".into(),
            team_id: Some("nope".into()),
        };
        let fields: Vec<String> = request
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["name", "size", "team_id"]);
        let ok = CreateInstanceRequest {
            name: " web-1 ".into(),
            size: "small".into(),
            team_id: Some(String::new()),
        }
        .validate()
        .unwrap();
        assert_eq!(ok.name.as_str(), "web-1");
        assert_eq!(ok.team_id, None);
    }
}

/// Whose key it is, in an Owner's list of everyone's keys.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeyOwnerView {
    pub user_id: UserId,
    pub email: String,
    pub name: String,
}

/// An API key (SPEC §7, §12). The secret is never part of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiKeyView {
    pub id: crate::api_keys::ApiKeyId,
    pub name: String,
    pub created_at: Timestamp,
    /// Updated at most once a minute per key.
    pub last_used_at: Option<Timestamp>,
    pub expires_at: Option<Timestamp>,
    /// Whether the key authenticates now (`status` says why not).
    pub active: bool,
    pub status: crate::api_keys::KeyStatus,
    pub owner: KeyOwnerView,
}

/// `POST /api/accounts/{id}/api-keys`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct CreateApiKeyRequest {
    /// 1–100 characters.
    pub name: String,
    /// RFC 3339; in the future, at most ten years away. Omitted or `null`: no expiry.
    pub expires_at: Option<String>,
}

/// A checked [`CreateApiKeyRequest`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewApiKey {
    pub name: crate::text::ApiKeyName,
    pub expires_at: Option<Timestamp>,
}

impl CreateApiKeyRequest {
    /// Checks every field against `now`.
    pub fn validate(&self, now: Timestamp) -> Result<NewApiKey, Vec<FieldError>> {
        let mut errors = crate::text::Errors::default();
        let name = errors.field("", "name", crate::text::ApiKeyName::parse(&self.name));
        let expires_at = match self.expires_at.as_deref().map(str::trim) {
            None | Some("") => Some(None),
            Some(raw) => match raw.parse::<Timestamp>() {
                Ok(at) => match crate::api_keys::check_expiry(Some(at), now) {
                    Ok(()) => Some(Some(at)),
                    Err(e) => {
                        errors.push(e.field, e.message);
                        None
                    }
                },
                Err(_) => {
                    errors.push(
                        "expires_at".into(),
                        "must be an RFC 3339 time, like 2027-01-31T00:00:00Z",
                    );
                    None
                }
            },
        };
        match (name, expires_at) {
            (Some(name), Some(expires_at)) if errors.is_empty() => {
                Ok(NewApiKey { name, expires_at })
            }
            _ => Err(errors.into_vec()),
        }
    }
}

/// The answer to creating a key: the key, and its secret and token shown this once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedApiKey {
    #[serde(flatten)]
    pub key: ApiKeyView,
    pub secret: String,
    /// `{id}.{secret}`: what to send as `Authorization: Bearer …`.
    pub token: String,
}

/// Who made a change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActorView {
    pub user_id: Option<UserId>,
    pub email: Option<String>,
    pub name: Option<String>,
    /// The API key the change came through, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key_id: Option<String>,
}

/// What a change was made to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TargetView {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
}

/// One activity log entry (SPEC §8, §12).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityView {
    pub id: String,
    pub at: Timestamp,
    pub actor: ActorView,
    pub event: String,
    pub target: TargetView,
    /// What changed; never secrets.
    pub payload: serde_json::Value,
}

/// Entries per UTC day, for the activity chart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DailyActivity {
    /// `2026-11-23`.
    pub day: String,
    pub count: u64,
}

#[cfg(test)]
mod api_key_tests {
    use super::*;

    #[test]
    fn a_key_request_reports_every_bad_field() {
        let now: Timestamp = "2026-11-23T12:00:00Z".parse().unwrap();
        let good = CreateApiKeyRequest {
            name: "  ci deploy ".into(),
            expires_at: Some("2026-12-01T00:00:00Z".into()),
        }
        .validate(now)
        .unwrap();
        assert_eq!(good.name.as_str(), "ci deploy");
        assert!(good.expires_at.is_some());
        let no_expiry = CreateApiKeyRequest {
            name: "x".into(),
            expires_at: None,
        };
        assert_eq!(no_expiry.validate(now).unwrap().expires_at, None);
        let errors = CreateApiKeyRequest {
            name: " ".into(),
            expires_at: Some("tomorrow".into()),
        }
        .validate(now)
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "expires_at"]);
        let past = CreateApiKeyRequest {
            name: "x".into(),
            expires_at: Some("2026-11-23T11:00:00Z".into()),
        }
        .validate(now)
        .unwrap_err();
        assert_eq!(past[0].message, "must be in the future");
    }
}

#[cfg(test)]
mod password_request_tests {
    use super::*;

    fn change(current: &str, new: &str) -> ChangePasswordRequest {
        ChangePasswordRequest {
            current_password: current.into(),
            new_password: new.into(),
        }
    }

    fn fields(errors: Vec<FieldError>) -> Vec<String> {
        errors.into_iter().map(|e| e.field).collect()
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
}
