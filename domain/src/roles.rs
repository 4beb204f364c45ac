//! Roles and permissions (SPEC §3).
//!
//! Two levels: every member has one [`OrgRole`]; a member may also hold a
//! [`TeamRole`] in some teams. [`decide`] answers for organization-wide
//! permissions and [`decide_in_team`] for what depends on a team. Each is one
//! exhaustive `match`, so a new role or permission does not compile until someone
//! decides what it may do.

use crate::error::{Denial, ErrorCode};
use serde::{Deserialize, Serialize};

/// A member's role in an organization (the user of a personal account is its Owner).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrgRole {
    Owner,
    Admin,
    Tech,
    Viewer,
}

/// A member's role in one team.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TeamRole {
    TeamAdmin,
    TeamMember,
    TeamViewer,
}

/// Whether an account is someone's personal account or an organization.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    Personal,
    Organization,
}

/// Whether an account may create resources.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    Active,
    Suspended,
}

/// The rows of the organization permission table (SPEC §3), in its order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// View the organization, its members and teams.
    ViewOrganization,
    /// Edit the name and billing address.
    EditOrganization,
    /// View billing, add funds, change plan.
    ManageBilling,
    /// Invite, revoke and resend invitations.
    ManageInvitations,
    /// Change roles, remove members.
    ManageMembers,
    /// Create, rename, delete teams; set team members.
    ManageTeams,
    /// Transfer ownership, delete the organization.
    TransferOrDelete,
    /// View resources (for Tech and Viewer: only their teams').
    ViewResources,
    /// Create and delete resources (for Tech: only in their teams).
    ManageResources,
    /// Create and revoke one's own API keys.
    ManageOwnApiKeys,
    /// Revoke anyone's API keys.
    RevokeAnyApiKey,
    /// View the activity log.
    ViewActivity,
    /// Require two-factor authentication of every member (SPEC §15); verify
    /// domains and configure single sign-on (SPEC §16).
    ManageSecurity,
    /// Create child organizations, link and unlink them, change a child's
    /// billing mode (SPEC §17).
    ManageHierarchy,
    /// View the children, the roll-up report and the activity of descendants.
    ViewDescendants,
}

/// The rows of the team permission table (SPEC §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TeamPermission {
    /// View the team's resources.
    ViewTeamResources,
    /// Create and delete the team's resources.
    ManageTeamResources,
    /// Add and remove team members (among organization members).
    ManageTeamMembers,
}

/// One cell of the organization table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Grant {
    /// Allowed everywhere in the organization.
    Yes,
    /// Allowed only in teams where the member has a suitable team role.
    Team,
    /// Not allowed.
    No,
}

impl OrgRole {
    pub const ALL: [OrgRole; 4] = [Self::Owner, Self::Admin, Self::Tech, Self::Viewer];

    pub const fn id(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Admin => "admin",
            Self::Tech => "tech",
            Self::Viewer => "viewer",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            Self::Owner => "Owner",
            Self::Admin => "Admin",
            Self::Tech => "Tech",
            Self::Viewer => "Viewer",
        }
    }

    /// What the role is for, in a sentence.
    pub const fn description(self) -> &'static str {
        match self {
            Self::Owner => "Full control: members, teams, billing, resources and the organization itself.",
            Self::Admin => "Billing and administration: edits details and pays, but has no access to resources and cannot invite.",
            Self::Tech => "Manages resources in their teams, but cannot pay, edit administrative details or invite.",
            Self::Viewer => "Sees the organization and their teams' resources, changes nothing.",
        }
    }

    /// Plural label for messages ("Only Owners can …").
    pub(crate) const fn plural(self) -> &'static str {
        match self {
            Self::Owner => "Owners",
            Self::Admin => "Admins",
            Self::Tech => "Techs",
            Self::Viewer => "Viewers",
        }
    }
}

impl TeamRole {
    pub const ALL: [TeamRole; 3] = [Self::TeamAdmin, Self::TeamMember, Self::TeamViewer];

    pub const fn id(self) -> &'static str {
        match self {
            Self::TeamAdmin => "team_admin",
            Self::TeamMember => "team_member",
            Self::TeamViewer => "team_viewer",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            Self::TeamAdmin => "Team admin",
            Self::TeamMember => "Team member",
            Self::TeamViewer => "Team viewer",
        }
    }
}

impl Permission {
    pub const ALL: [Permission; 15] = [
        Self::ViewOrganization,
        Self::EditOrganization,
        Self::ManageBilling,
        Self::ManageInvitations,
        Self::ManageMembers,
        Self::ManageTeams,
        Self::TransferOrDelete,
        Self::ViewResources,
        Self::ManageResources,
        Self::ManageOwnApiKeys,
        Self::RevokeAnyApiKey,
        Self::ViewActivity,
        Self::ManageSecurity,
        Self::ManageHierarchy,
        Self::ViewDescendants,
    ];

    /// What the permission lets one do, as a table row label.
    pub const fn label(self) -> &'static str {
        match self {
            Self::ViewOrganization => "View organization, members, teams",
            Self::EditOrganization => "Edit name and billing address",
            Self::ManageBilling => "View billing, add funds, change plan",
            Self::ManageInvitations => "Invite, revoke and resend invitations",
            Self::ManageMembers => "Change roles, remove members",
            Self::ManageTeams => "Create, rename, delete teams; set team members",
            Self::TransferOrDelete => "Transfer ownership, delete organization",
            Self::ViewResources => "View resources",
            Self::ManageResources => "Create and delete resources",
            Self::ManageOwnApiKeys => "Create and revoke own API keys",
            Self::RevokeAnyApiKey => "Revoke anyone's API keys",
            Self::ViewActivity => "View activity log",
            Self::ManageSecurity => "Two-factor requirement, domains, single sign-on",
            Self::ManageHierarchy => "Create, link and unlink child organizations",
            Self::ViewDescendants => "View child organizations and their roll-up",
        }
    }

    /// The infinitive phrase for messages ("… can invite members").
    const fn phrase(self) -> &'static str {
        match self {
            Self::ViewOrganization => "view the organization",
            Self::EditOrganization => "edit the organization's name and billing address",
            Self::ManageBilling => "view billing, add funds or change the plan",
            Self::ManageInvitations => "invite members",
            Self::ManageMembers => "change roles or remove members",
            Self::ManageTeams => "create, rename or delete teams",
            Self::TransferOrDelete => "transfer ownership or delete the organization",
            Self::ViewResources => "view resources",
            Self::ManageResources => "create or delete resources",
            Self::ManageOwnApiKeys => "manage their own API keys",
            Self::RevokeAnyApiKey => "revoke other members' API keys",
            Self::ViewActivity => "view the activity log",
            Self::ManageSecurity => "manage two-factor requirements, domains and single sign-on",
            Self::ManageHierarchy => "create, link or unlink child organizations",
            Self::ViewDescendants => "view child organizations and their roll-up",
        }
    }
}

impl TeamPermission {
    pub const ALL: [TeamPermission; 3] = [
        Self::ViewTeamResources,
        Self::ManageTeamResources,
        Self::ManageTeamMembers,
    ];

    pub const fn label(self) -> &'static str {
        match self {
            Self::ViewTeamResources => "View the team's resources",
            Self::ManageTeamResources => "Create and delete the team's resources",
            Self::ManageTeamMembers => "Add and remove team members",
        }
    }
}

/// The organization table of SPEC §3: one cell per role and permission.
pub const fn grant(role: OrgRole, permission: Permission) -> Grant {
    use Grant::{No, Team, Yes};
    use OrgRole::{Admin, Owner, Tech, Viewer};
    use Permission::*;
    match (permission, role) {
        (_, Owner) => Yes,
        (ViewOrganization, Admin | Tech | Viewer) => Yes,
        (EditOrganization | ManageBilling, Admin) => Yes,
        (EditOrganization | ManageBilling, Tech | Viewer) => No,
        (
            ManageInvitations | ManageMembers | ManageTeams | TransferOrDelete | RevokeAnyApiKey
            | ManageSecurity | ManageHierarchy,
            Admin | Tech | Viewer,
        ) => No,
        (ViewDescendants, Admin) => Yes,
        (ViewDescendants, Tech | Viewer) => No,
        (ViewResources, Admin) => No,
        (ViewResources, Tech | Viewer) => Team,
        (ManageResources, Admin | Viewer) => No,
        (ManageResources, Tech) => Team,
        (ManageOwnApiKeys, Admin | Tech | Viewer) => Yes,
        (ViewActivity, Admin | Tech) => Yes,
        (ViewActivity, Viewer) => No,
    }
}

/// The team table of SPEC §3.
pub const fn team_grant(team_role: TeamRole, permission: TeamPermission) -> bool {
    use TeamPermission::*;
    use TeamRole::*;
    match (permission, team_role) {
        (ViewTeamResources, TeamAdmin | TeamMember | TeamViewer) => true,
        (ManageTeamResources, TeamAdmin | TeamMember) => true,
        (ManageTeamResources, TeamViewer) => false,
        (ManageTeamMembers, TeamAdmin) => true,
        (ManageTeamMembers, TeamMember | TeamViewer) => false,
    }
}

/// Appends the roles that hold `permission` everywhere to `out`, for "Only Owners
/// and Admins can …". (Denials are built on every refused check, so this writes
/// into one buffer instead of formatting.)
fn push_holders(out: &mut String, permission: Permission) {
    let mut names = OrgRole::ALL
        .into_iter()
        .filter(|role| grant(*role, permission) == Grant::Yes)
        .map(OrgRole::plural)
        .peekable();
    let mut first = true;
    while let Some(name) = names.next() {
        if !first {
            out.push_str(if names.peek().is_some() {
                ", "
            } else {
                " and "
            });
        }
        out.push_str(name);
        first = false;
    }
}

/// A sentence from its pieces, in one allocation.
fn sentence(pieces: &[&str]) -> String {
    let mut out = String::with_capacity(pieces.iter().map(|p| p.len()).sum::<usize>() + 24);
    for piece in pieces {
        out.push_str(piece);
    }
    out
}

fn forbidden(message: String) -> Denial {
    Denial::new(ErrorCode::Forbidden, message)
}

/// Whether a member with `role` in an account of `kind` may do `permission`
/// anywhere in it. `Grant::Team` rows are refused here: ask [`decide_in_team`]
/// with the member's team role instead.
pub fn decide(kind: AccountKind, role: OrgRole, permission: Permission) -> Result<(), Denial> {
    if kind == AccountKind::Personal {
        match permission {
            Permission::ManageInvitations | Permission::ManageMembers | Permission::ManageTeams => {
                return Err(forbidden(
                    "A personal account has only you: it has no members, invitations or teams."
                        .into(),
                ));
            }
            Permission::TransferOrDelete => {
                return Err(forbidden(
                    "A personal account belongs to you for as long as your user exists: it cannot be transferred or deleted.".into(),
                ));
            }
            Permission::ManageSecurity => {
                return Err(forbidden(
                    "A personal account has only you: turn on two-factor authentication for yourself on its Two-factor page.".into(),
                ));
            }
            Permission::ManageHierarchy | Permission::ViewDescendants => {
                return Err(forbidden(
                    "A personal account has no child organizations; organizations form hierarchies.".into(),
                ));
            }
            Permission::ViewOrganization
            | Permission::EditOrganization
            | Permission::ManageBilling
            | Permission::ViewResources
            | Permission::ManageResources
            | Permission::ManageOwnApiKeys
            | Permission::RevokeAnyApiKey
            | Permission::ViewActivity => {}
        }
    }
    match grant(role, permission) {
        Grant::Yes => Ok(()),
        Grant::Team => Err(forbidden(sentence(&[
            role.plural(),
            " can ",
            permission.phrase(),
            " only in teams where they have a team role.",
        ]))),
        Grant::No => {
            let mut message = String::with_capacity(128);
            message.push_str("Only ");
            push_holders(&mut message, permission);
            message.push_str(" can ");
            message.push_str(permission.phrase());
            message.push('.');
            Err(forbidden(message))
        }
    }
}

/// Whether a member with `role`, holding `team_role` in one team (or none), may do
/// `permission` for that team. Owners act as team admin in every team; Admins never
/// reach resources, whatever their team roles; for Tech and Viewer the organization
/// role caps what the team role gives.
pub fn decide_in_team(
    role: OrgRole,
    team_role: Option<TeamRole>,
    permission: TeamPermission,
) -> Result<(), Denial> {
    let org_permission = match permission {
        TeamPermission::ViewTeamResources => Some(Permission::ViewResources),
        TeamPermission::ManageTeamResources => Some(Permission::ManageResources),
        // Managing a team's members is the team admin's, whatever the org role.
        TeamPermission::ManageTeamMembers => None,
    };
    let org_grant = match (role, org_permission) {
        (OrgRole::Owner, _) => return Ok(()),
        (_, Some(p)) => grant(role, p),
        (_, None) => Grant::Team,
    };
    match (org_grant, team_role) {
        (Grant::Yes, _) => Ok(()),
        (Grant::No, _) => Err(forbidden(match role {
            OrgRole::Admin => {
                "Admins handle billing and administration and never reach resources, whatever their team roles.".to_owned()
            }
            _ => format!(
                "{} cannot {}, whatever their team role.",
                role.plural(),
                team_permission_phrase(permission)
            ),
        })),
        (Grant::Team, None) => Err(forbidden(format!(
            "You need a role in this team to {}.",
            team_permission_phrase(permission)
        ))),
        (Grant::Team, Some(team_role)) if team_grant(team_role, permission) => Ok(()),
        (Grant::Team, Some(team_role)) => Err(forbidden(format!(
            "A {} cannot {}; ask a team admin or an Owner.",
            team_role.label().to_lowercase(),
            team_permission_phrase(permission)
        ))),
    }
}

/// What a member gains and loses when their role goes from `from` to `to`: the
/// permissions whose grant rises (`No` → `Team` → `Yes`) and falls.
pub fn role_change_effect(from: OrgRole, to: OrgRole) -> RoleChangeEffect {
    let rank = |g: Grant| match g {
        Grant::No => 0,
        Grant::Team => 1,
        Grant::Yes => 2,
    };
    let mut effect = RoleChangeEffect::default();
    for permission in Permission::ALL {
        let (before, after) = (grant(from, permission), grant(to, permission));
        if rank(after) > rank(before) {
            effect.gains.push((permission, after));
        } else if rank(after) < rank(before) {
            effect.losses.push((permission, before));
        }
    }
    effect
}

/// The difference between two roles, for "Bob will lose: …".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RoleChangeEffect {
    /// Permissions gained, with the new grant.
    pub gains: Vec<(Permission, Grant)>,
    /// Permissions lost, with the grant held before.
    pub losses: Vec<(Permission, Grant)>,
}

impl RoleChangeEffect {
    /// A line per change, like "create and delete resources (in their teams)".
    pub fn describe(items: &[(Permission, Grant)]) -> Vec<String> {
        items
            .iter()
            .map(|(permission, grant)| match grant {
                Grant::Team => format!("{} (in their teams)", permission.label().to_lowercase()),
                _ => permission.label().to_lowercase(),
            })
            .collect()
    }
}

const fn team_permission_phrase(permission: TeamPermission) -> &'static str {
    match permission {
        TeamPermission::ViewTeamResources => "view this team's resources",
        TeamPermission::ManageTeamResources => "create or delete this team's resources",
        TeamPermission::ManageTeamMembers => "add or remove this team's members",
    }
}

text_enum!(OrgRole);
text_enum!(TeamRole);

impl AccountKind {
    pub const ALL: [AccountKind; 2] = [Self::Personal, Self::Organization];
    pub const fn id(self) -> &'static str {
        match self {
            Self::Personal => "personal",
            Self::Organization => "organization",
        }
    }
}
text_enum!(AccountKind);

impl AccountStatus {
    pub const ALL: [AccountStatus; 2] = [Self::Active, Self::Suspended];
    pub const fn id(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Suspended => "suspended",
        }
    }
}
text_enum!(AccountStatus);

#[cfg(test)]
mod tests {
    use super::*;
    use AccountKind::{Organization, Personal};
    use Grant::{No, Team, Yes};

    /// SPEC §3, organization table, row by row: Owner, Admin, Tech, Viewer.
    const TABLE: [(Permission, [Grant; 4]); 15] = [
        (Permission::ViewOrganization, [Yes, Yes, Yes, Yes]),
        (Permission::EditOrganization, [Yes, Yes, No, No]),
        (Permission::ManageBilling, [Yes, Yes, No, No]),
        (Permission::ManageInvitations, [Yes, No, No, No]),
        (Permission::ManageMembers, [Yes, No, No, No]),
        (Permission::ManageTeams, [Yes, No, No, No]),
        (Permission::TransferOrDelete, [Yes, No, No, No]),
        (Permission::ViewResources, [Yes, No, Team, Team]),
        (Permission::ManageResources, [Yes, No, Team, No]),
        (Permission::ManageOwnApiKeys, [Yes, Yes, Yes, Yes]),
        (Permission::RevokeAnyApiKey, [Yes, No, No, No]),
        (Permission::ViewActivity, [Yes, Yes, Yes, No]),
        (Permission::ManageSecurity, [Yes, No, No, No]),
        // SPEC §17: Owners manage the hierarchy; Owners and Admins see the roll-up.
        (Permission::ManageHierarchy, [Yes, No, No, No]),
        (Permission::ViewDescendants, [Yes, Yes, No, No]),
    ];

    #[test]
    fn the_organization_table_is_the_specs_cell_by_cell() {
        assert_eq!(TABLE.len(), Permission::ALL.len());
        for (permission, cells) in TABLE {
            for (role, cell) in OrgRole::ALL.into_iter().zip(cells) {
                assert_eq!(grant(role, permission), cell, "{role} {permission:?}");
                let decided = decide(Organization, role, permission);
                assert_eq!(decided.is_ok(), cell == Yes, "{role} {permission:?}");
                if let Err(denial) = decided {
                    assert_eq!(denial.code, ErrorCode::Forbidden);
                }
            }
        }
    }

    #[test]
    fn the_team_table_is_the_specs_cell_by_cell() {
        // team admin, team member, team viewer
        let table = [
            (TeamPermission::ViewTeamResources, [true, true, true]),
            (TeamPermission::ManageTeamResources, [true, true, false]),
            (TeamPermission::ManageTeamMembers, [true, false, false]),
        ];
        for (permission, cells) in table {
            for (team_role, cell) in TeamRole::ALL.into_iter().zip(cells) {
                assert_eq!(
                    team_grant(team_role, permission),
                    cell,
                    "{team_role} {permission:?}"
                );
            }
        }
    }

    #[track_caller]
    fn check(
        role: OrgRole,
        team_role: Option<TeamRole>,
        permission: TeamPermission,
        allowed: bool,
    ) {
        assert_eq!(
            decide_in_team(role, team_role, permission).is_ok(),
            allowed,
            "{role} {team_role:?} {permission:?}"
        );
    }

    #[test]
    fn owners_act_as_team_admin_in_every_team() {
        for permission in TeamPermission::ALL {
            check(OrgRole::Owner, None, permission, true);
            check(OrgRole::Owner, Some(TeamRole::TeamViewer), permission, true);
        }
    }

    #[test]
    fn admins_never_reach_resources_whatever_their_team_role() {
        for team_role in [None, Some(TeamRole::TeamAdmin), Some(TeamRole::TeamMember)] {
            check(
                OrgRole::Admin,
                team_role,
                TeamPermission::ViewTeamResources,
                false,
            );
            check(
                OrgRole::Admin,
                team_role,
                TeamPermission::ManageTeamResources,
                false,
            );
        }
        let denial = decide_in_team(
            OrgRole::Admin,
            Some(TeamRole::TeamAdmin),
            TeamPermission::ViewTeamResources,
        )
        .unwrap_err();
        assert!(
            denial.message.contains("never reach resources"),
            "{}",
            denial.message
        );
    }

    #[test]
    fn tech_and_viewer_get_the_lesser_of_org_and_team_role() {
        use TeamPermission::*;
        use TeamRole::*;
        check(OrgRole::Tech, None, ViewTeamResources, false);
        check(OrgRole::Tech, Some(TeamViewer), ViewTeamResources, true);
        check(OrgRole::Tech, Some(TeamViewer), ManageTeamResources, false);
        check(OrgRole::Tech, Some(TeamMember), ManageTeamResources, true);
        check(OrgRole::Tech, Some(TeamMember), ManageTeamMembers, false);
        check(OrgRole::Tech, Some(TeamAdmin), ManageTeamMembers, true);
        check(OrgRole::Viewer, None, ViewTeamResources, false);
        check(OrgRole::Viewer, Some(TeamMember), ViewTeamResources, true);
        check(OrgRole::Viewer, Some(TeamAdmin), ManageTeamResources, false);
        check(OrgRole::Viewer, Some(TeamAdmin), ManageTeamMembers, true);
    }

    #[test]
    fn denials_explain_who_may() {
        let denial =
            decide(Organization, OrgRole::Admin, Permission::ManageInvitations).unwrap_err();
        assert_eq!(denial.message, "Only Owners can invite members.");
        let denial = decide(Organization, OrgRole::Tech, Permission::ManageBilling).unwrap_err();
        assert_eq!(
            denial.message,
            "Only Owners and Admins can view billing, add funds or change the plan."
        );
        let denial = decide(Organization, OrgRole::Viewer, Permission::ViewActivity).unwrap_err();
        assert_eq!(
            denial.message,
            "Only Owners, Admins and Techs can view the activity log."
        );
        let denial = decide(Organization, OrgRole::Tech, Permission::ViewResources).unwrap_err();
        assert!(
            denial.message.contains("only in teams"),
            "{}",
            denial.message
        );
    }

    #[test]
    fn personal_accounts_have_no_members_teams_or_deletion() {
        for permission in [
            Permission::ManageInvitations,
            Permission::ManageMembers,
            Permission::ManageTeams,
            Permission::TransferOrDelete,
        ] {
            let denial = decide(Personal, OrgRole::Owner, permission).unwrap_err();
            assert_eq!(denial.code, ErrorCode::Forbidden);
        }
        for permission in [
            Permission::ViewOrganization,
            Permission::EditOrganization,
            Permission::ManageBilling,
            Permission::ManageResources,
            Permission::ViewActivity,
        ] {
            assert_eq!(decide(Personal, OrgRole::Owner, permission), Ok(()));
        }
    }

    #[test]
    fn a_role_change_lists_what_is_gained_and_lost() {
        let effect = role_change_effect(OrgRole::Tech, OrgRole::Admin);
        let gains: Vec<_> = effect.gains.iter().map(|(p, _)| *p).collect();
        let losses: Vec<_> = effect.losses.iter().map(|(p, _)| *p).collect();
        assert_eq!(
            gains,
            [
                Permission::EditOrganization,
                Permission::ManageBilling,
                Permission::ViewDescendants
            ]
        );
        assert_eq!(
            losses,
            [Permission::ViewResources, Permission::ManageResources]
        );
        assert_eq!(
            RoleChangeEffect::describe(&effect.losses),
            [
                "view resources (in their teams)",
                "create and delete resources (in their teams)"
            ]
        );
        assert_eq!(
            role_change_effect(OrgRole::Viewer, OrgRole::Viewer),
            RoleChangeEffect::default()
        );
        let to_owner = role_change_effect(OrgRole::Viewer, OrgRole::Owner);
        assert!(to_owner.losses.is_empty());
        assert_eq!(to_owner.gains.len(), 13);
    }

    #[test]
    fn role_ids_round_trip() {
        for role in OrgRole::ALL {
            assert_eq!(role.id().parse::<OrgRole>(), Ok(role));
            assert_eq!(
                serde_json::to_string(&role).unwrap(),
                format!("\"{}\"", role.id())
            );
        }
        for role in TeamRole::ALL {
            assert_eq!(role.id().parse::<TeamRole>(), Ok(role));
            assert_eq!(
                serde_json::to_string(&role).unwrap(),
                format!("\"{}\"", role.id())
            );
        }
    }
}
