//! The catalogues: regions, plans and the roles tables of SPEC §3.

use crate::catalog::{Plan, Region};
use crate::roles::{Grant, OrgRole, Permission, TeamPermission, TeamRole};
use serde::{Deserialize, Serialize};

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

    #[test]
    fn the_roles_catalog_mirrors_the_tables() {
        let catalog = RolesCatalog::build();
        assert_eq!(catalog.roles.len(), 4);
        assert_eq!(catalog.team_roles.len(), 3);
        assert_eq!(catalog.permissions.len(), 15);
        let invite = &catalog.permissions[3];
        assert_eq!(invite.id, Permission::ManageInvitations);
        assert_eq!(invite.grants, [Grant::Yes, Grant::No, Grant::No, Grant::No]);
        let json = serde_json::to_value(&catalog).unwrap();
        assert_eq!(json["permissions"][7]["grants"][2], "team");
    }
}
