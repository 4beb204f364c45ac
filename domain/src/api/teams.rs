//! Teams and team roles.

use crate::error::FieldError;
use crate::roles::TeamRole;
use serde::{Deserialize, Serialize};

/// One team of an invitation or a member, with the team role.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeamRoleView {
    pub team_id: crate::TeamId,
    pub name: String,
    pub role: TeamRole,
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
