//! Instances, the minimal resource that makes roles real (SPEC §9): a DNS-label
//! name, a size, an owning team, the organization's region.

use crate::roles::{decide, decide_in_team, grant, AccountKind, Grant, OrgRole, TeamRole};
use crate::{Denial, ErrorCode, Permission, TeamPermission};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Why an instance name is invalid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InstanceNameError {
    Empty,
    TooLong,
    Character(char),
    Uppercase,
    Dash,
}

impl fmt::Display for InstanceNameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("must not be empty"),
            Self::TooLong => write!(f, "must be at most {} characters", InstanceName::MAX_CHARS),
            Self::Uppercase => f.write_str("must be lower-case, like web-1"),
            Self::Character(c) => write!(
                f,
                "may hold only lower-case letters, digits and dashes, not {c:?}"
            ),
            Self::Dash => f.write_str("must start and end with a letter or a digit"),
        }
    }
}

/// An instance name in DNS-label style: 1–63 characters of `a-z`, `0-9` and `-`,
/// starting and ending with a letter or a digit.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String))]
#[serde(try_from = "String", into = "String")]
pub struct InstanceName(String);

impl InstanceName {
    pub const MAX_CHARS: usize = 63;

    /// Trims surrounding spaces, then checks the label.
    pub fn parse(raw: &str) -> Result<Self, InstanceNameError> {
        let text = raw.trim();
        if text.is_empty() {
            return Err(InstanceNameError::Empty);
        }
        if let Some(c) = text
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
        {
            return Err(if c.is_ascii_uppercase() {
                InstanceNameError::Uppercase
            } else {
                InstanceNameError::Character(c)
            });
        }
        if text.len() > Self::MAX_CHARS {
            return Err(InstanceNameError::TooLong);
        }
        if text.starts_with('-') || text.ends_with('-') {
            return Err(InstanceNameError::Dash);
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for InstanceName {
    type Error = InstanceNameError;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<InstanceName> for String {
    fn from(value: InstanceName) -> String {
        value.0
    }
}

impl fmt::Display for InstanceName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How big an instance is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InstanceSize {
    Small,
    Medium,
    Large,
}

impl InstanceSize {
    pub const ALL: [InstanceSize; 3] = [Self::Small, Self::Medium, Self::Large];

    pub const fn id(self) -> &'static str {
        match self {
            Self::Small => "small",
            Self::Medium => "medium",
            Self::Large => "large",
        }
    }

    /// The label with what the size means.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Small => "Small — 1 vCPU, 2 GB",
            Self::Medium => "Medium — 2 vCPU, 8 GB",
            Self::Large => "Large — 8 vCPU, 32 GB",
        }
    }
}

text_enum!(InstanceSize);

/// How a caller stands towards one team's resources.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResourceAccess {
    /// Allowed.
    Allowed,
    /// The caller may not see the team's resources at all: they are answered as
    /// if absent (404), like another account's.
    Hidden,
    /// The caller sees them but may not do this (403, with the reason).
    Denied(Denial),
}

/// Whether a member with `role` (holding `team_role` in the resource's team, if
/// the account has teams) may do `permission` on a resource of that team.
///
/// Personal accounts have one implicit team that their only member owns. In an
/// organization, a role that never reaches resources (Admin) is refused with 403;
/// a Tech or Viewer without a role in the team does not see its resources (404).
pub fn resource_access(
    kind: AccountKind,
    role: OrgRole,
    team_role: Option<TeamRole>,
    permission: TeamPermission,
) -> ResourceAccess {
    let org_permission = match permission {
        TeamPermission::ViewTeamResources => Permission::ViewResources,
        TeamPermission::ManageTeamResources | TeamPermission::ManageTeamMembers => {
            Permission::ManageResources
        }
    };
    if kind == AccountKind::Personal {
        return match decide(kind, role, org_permission) {
            Ok(()) => ResourceAccess::Allowed,
            Err(denial) => ResourceAccess::Denied(denial),
        };
    }
    if grant(role, Permission::ViewResources) == Grant::No {
        return ResourceAccess::Denied(
            decide_in_team(role, team_role, TeamPermission::ViewTeamResources)
                .expect_err("a role without the grant is refused in every team"),
        );
    }
    if decide_in_team(role, team_role, TeamPermission::ViewTeamResources).is_err() {
        return ResourceAccess::Hidden;
    }
    match decide_in_team(role, team_role, permission) {
        Ok(()) => ResourceAccess::Allowed,
        Err(denial) => ResourceAccess::Denied(denial),
    }
}

/// Whether creating a resource is possible in an account with this status.
pub fn check_can_create(status: crate::roles::AccountStatus) -> Result<(), Denial> {
    match status {
        crate::roles::AccountStatus::Active => Ok(()),
        crate::roles::AccountStatus::Suspended => Err(Denial::new(
            ErrorCode::AccountSuspended,
            "This account is suspended: add funds to create resources.",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roles::AccountStatus;

    #[test]
    fn instance_names_are_dns_labels() {
        for ok in ["a", "web-1", "0", "db-primary-2", &"x".repeat(63)] {
            assert_eq!(InstanceName::parse(ok).unwrap().as_str(), ok);
        }
        assert_eq!(InstanceName::parse("  web ").unwrap().as_str(), "web");
        assert_eq!(InstanceName::parse(" "), Err(InstanceNameError::Empty));
        assert_eq!(
            InstanceName::parse(&"x".repeat(64)),
            Err(InstanceNameError::TooLong)
        );
        assert_eq!(
            InstanceName::parse("Web"),
            Err(InstanceNameError::Uppercase)
        );
        assert_eq!(
            InstanceName::parse("web_1"),
            Err(InstanceNameError::Character('_'))
        );
        assert_eq!(
            InstanceName::parse("wéb"),
            Err(InstanceNameError::Character('é'))
        );
        assert_eq!(
            InstanceName::parse("web.1"),
            Err(InstanceNameError::Character('.'))
        );
        assert_eq!(InstanceName::parse("-web"), Err(InstanceNameError::Dash));
        assert_eq!(InstanceName::parse("web-"), Err(InstanceNameError::Dash));
        assert!(InstanceName::parse("Web")
            .unwrap_err()
            .to_string()
            .contains("lower-case"));
    }

    #[test]
    fn sizes_round_trip() {
        for size in InstanceSize::ALL {
            assert_eq!(size.id().parse::<InstanceSize>(), Ok(size));
        }
        assert!("huge".parse::<InstanceSize>().is_err());
    }

    #[test]
    fn only_active_accounts_create_resources() {
        assert!(check_can_create(AccountStatus::Active).is_ok());
        assert_eq!(
            check_can_create(AccountStatus::Suspended).unwrap_err().code,
            ErrorCode::AccountSuspended
        );
    }

    #[test]
    fn resource_access_follows_both_tables() {
        use AccountKind::{Organization, Personal};
        use ResourceAccess::{Allowed, Hidden};
        use TeamPermission::{ManageTeamResources as Manage, ViewTeamResources as View};
        let org = |role, team_role, p| resource_access(Organization, role, team_role, p);
        // Owners everywhere, with or without a team role.
        assert_eq!(org(OrgRole::Owner, None, Manage), Allowed);
        // Admins never, whatever their team role: 403, not 404.
        for team_role in [None, Some(TeamRole::TeamAdmin)] {
            assert!(matches!(
                org(OrgRole::Admin, team_role, View),
                ResourceAccess::Denied(d) if d.message.contains("never reach resources")
            ));
        }
        // Tech: hidden without a team role, full with team_member, read-only with team_viewer.
        assert_eq!(org(OrgRole::Tech, None, View), Hidden);
        assert_eq!(org(OrgRole::Tech, None, Manage), Hidden);
        assert_eq!(
            org(OrgRole::Tech, Some(TeamRole::TeamMember), Manage),
            Allowed
        );
        assert!(matches!(
            org(OrgRole::Tech, Some(TeamRole::TeamViewer), Manage),
            ResourceAccess::Denied(_)
        ));
        // Viewer: sees with any team role, never manages.
        assert_eq!(
            org(OrgRole::Viewer, Some(TeamRole::TeamAdmin), View),
            Allowed
        );
        assert!(matches!(
            org(OrgRole::Viewer, Some(TeamRole::TeamAdmin), Manage),
            ResourceAccess::Denied(_)
        ));
        assert_eq!(org(OrgRole::Viewer, None, View), Hidden);
        // A personal account's owner has its implicit team.
        assert_eq!(
            resource_access(Personal, OrgRole::Owner, None, Manage),
            Allowed
        );
    }
}
