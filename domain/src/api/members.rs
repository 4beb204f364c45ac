//! Members of an organization: roles, removal and ownership.

use super::teams::TeamRoleView;
use crate::error::FieldError;
use crate::ids::UserId;
use crate::roles::OrgRole;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

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
    /// Whether the member has two-factor on; shown to Owners and Admins only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub two_factor: Option<bool>,
    /// For an Owner or Admin of an ancestor, who acts here with that role
    /// without being a member (SPEC §17): the ancestor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inherited_from: Option<super::me::OrganizationRef>,
}

impl MemberView {
    /// The member as someone with `viewer` role sees them: who has two-factor
    /// on is for Owners and Admins.
    pub fn seen_by(mut self, viewer: OrgRole) -> Self {
        if !crate::two_factor::sees_members_two_factor(viewer) {
            self.two_factor = None;
        }
        self
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

/// Parses a role field, reporting it under `field`.
pub fn parse_role(field: &str, raw: &str) -> Result<OrgRole, Vec<FieldError>> {
    raw.parse().map_err(|_| {
        vec![FieldError::new(
            field,
            "must be owner, admin, tech or viewer",
        )]
    })
}
