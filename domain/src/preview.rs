//! The role preview (SPEC §3): for an organization role and a team role in each
//! team, every permission with its answer and, for each "no", the reason. The
//! browser computes it with no request, so it works offline.

use crate::resources::{resource_access, ResourceAccess};
use crate::roles::{decide, decide_in_team, grant, AccountKind, Grant, OrgRole, TeamRole};
use crate::{Denial, Permission, TeamPermission};

/// One answer of the preview.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// Allowed everywhere this row applies.
    Allowed,
    /// Allowed only in some teams: the sentence names them (or says none yet).
    InTeams(String),
    /// Not allowed, with the reason.
    Denied(Denial),
}

impl Answer {
    pub fn is_allowed(&self) -> bool {
        matches!(self, Self::Allowed)
    }

    /// A short word for the table cell.
    pub fn word(&self) -> &'static str {
        match self {
            Self::Allowed => "Yes",
            Self::InTeams(_) => "In teams",
            Self::Denied(_) => "No",
        }
    }

    /// The explanation: the reason for a "no", the teams for "in teams".
    pub fn reason(&self) -> Option<&str> {
        match self {
            Self::Allowed => None,
            Self::InTeams(why) => Some(why),
            Self::Denied(denial) => Some(&denial.message),
        }
    }
}

impl From<Result<(), Denial>> for Answer {
    fn from(result: Result<(), Denial>) -> Self {
        match result {
            Ok(()) => Self::Allowed,
            Err(denial) => Self::Denied(denial),
        }
    }
}

/// A team as the preview sees it: a name and the previewed role in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreviewTeam {
    pub name: String,
    pub role: Option<TeamRole>,
}

/// An organization-wide row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrgRow {
    pub permission: Permission,
    pub answer: Answer,
}

/// A team row: one answer per team, in the order of [`Preview::teams`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TeamRow {
    pub permission: TeamPermission,
    pub answers: Vec<Answer>,
}

/// The whole preview for one organization role and its team roles.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preview {
    pub role: OrgRole,
    pub teams: Vec<PreviewTeam>,
    pub organization: Vec<OrgRow>,
    pub team_rows: Vec<TeamRow>,
}

/// Computes the preview of `role` in an organization, holding the given team roles.
pub fn preview(role: OrgRole, teams: Vec<PreviewTeam>) -> Preview {
    let organization = Permission::ALL
        .into_iter()
        .map(|permission| OrgRow {
            permission,
            answer: org_answer(role, &teams, permission),
        })
        .collect();
    let team_rows = TeamPermission::ALL
        .into_iter()
        .map(|permission| TeamRow {
            permission,
            answers: teams
                .iter()
                .map(|team| decide_in_team(role, team.role, permission).into())
                .collect(),
        })
        .collect();
    Preview {
        role,
        teams,
        organization,
        team_rows,
    }
}

fn org_answer(role: OrgRole, teams: &[PreviewTeam], permission: Permission) -> Answer {
    if grant(role, permission) != Grant::Team {
        return decide(AccountKind::Organization, role, permission).into();
    }
    let team_permission = match permission {
        Permission::ViewResources => TeamPermission::ViewTeamResources,
        _ => TeamPermission::ManageTeamResources,
    };
    let allowed: Vec<&str> = teams
        .iter()
        .filter(|team| {
            resource_access(AccountKind::Organization, role, team.role, team_permission)
                == ResourceAccess::Allowed
        })
        .map(|team| team.name.as_str())
        .collect();
    if allowed.is_empty() {
        let needed = match team_permission {
            TeamPermission::ViewTeamResources => "any team role",
            _ => "the team admin or team member role",
        };
        return Answer::Denied(Denial::new(
            crate::ErrorCode::Forbidden,
            format!(
                "{} reach resources only through teams: give {needed} in a team first.",
                role.plural()
            ),
        ));
    }
    Answer::InTeams(format!("Only in {}.", list(&allowed)))
}

/// What a member with `role` gains and loses in one team when their team role goes
/// from `from` to `to` (`None`: not in the team): team permission labels.
pub fn team_role_change_effect(
    role: OrgRole,
    from: Option<TeamRole>,
    to: Option<TeamRole>,
) -> (Vec<&'static str>, Vec<&'static str>) {
    let mut gains = Vec::new();
    let mut losses = Vec::new();
    for permission in TeamPermission::ALL {
        let before = decide_in_team(role, from, permission).is_ok();
        let after = decide_in_team(role, to, permission).is_ok();
        match (before, after) {
            (false, true) => gains.push(permission.label()),
            (true, false) => losses.push(permission.label()),
            _ => {}
        }
    }
    (gains, losses)
}

/// "A", "A and B", "A, B and C".
fn list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn team(name: &str, role: Option<TeamRole>) -> PreviewTeam {
        PreviewTeam {
            name: name.into(),
            role,
        }
    }

    fn org_row(preview: &Preview, permission: Permission) -> &Answer {
        &preview
            .organization
            .iter()
            .find(|row| row.permission == permission)
            .unwrap()
            .answer
    }

    #[test]
    fn owners_may_do_everything_everywhere() {
        let p = preview(OrgRole::Owner, vec![team("Web", None)]);
        assert!(p.organization.iter().all(|row| row.answer.is_allowed()));
        assert!(p
            .team_rows
            .iter()
            .all(|row| row.answers.iter().all(Answer::is_allowed)));
    }

    #[test]
    fn tech_reaches_resources_only_through_its_teams() {
        let p = preview(
            OrgRole::Tech,
            vec![
                team("Web", Some(TeamRole::TeamMember)),
                team("Ops", None),
                team("Data", Some(TeamRole::TeamViewer)),
            ],
        );
        assert_eq!(
            org_row(&p, Permission::ViewResources),
            &Answer::InTeams("Only in Web and Data.".into())
        );
        assert_eq!(
            org_row(&p, Permission::ManageResources),
            &Answer::InTeams("Only in Web.".into())
        );
        let manage = &p.team_rows[1];
        assert_eq!(manage.permission, TeamPermission::ManageTeamResources);
        assert!(manage.answers[0].is_allowed());
        assert!(manage.answers[1]
            .reason()
            .unwrap()
            .contains("need a role in this team"));
        assert!(manage.answers[2].reason().unwrap().contains("team viewer"));
        let invite = org_row(&p, Permission::ManageInvitations);
        assert_eq!(invite.reason(), Some("Only Owners can invite members."));
    }

    #[test]
    fn roles_without_teams_explain_how_to_get_access() {
        let p = preview(OrgRole::Viewer, vec![]);
        let view = org_row(&p, Permission::ViewResources);
        assert_eq!(view.word(), "No");
        assert_eq!(
            view.reason(),
            Some("Viewers reach resources only through teams: give any team role in a team first.")
        );
        assert!(p.team_rows.iter().all(|row| row.answers.is_empty()));
    }

    #[test]
    fn admins_never_reach_resources_even_as_team_admins() {
        let p = preview(OrgRole::Admin, vec![team("Web", Some(TeamRole::TeamAdmin))]);
        assert_eq!(org_row(&p, Permission::ManageBilling), &Answer::Allowed);
        assert_eq!(org_row(&p, Permission::ViewResources).word(), "No");
        assert_eq!(p.team_rows[0].answers[0].word(), "No");
        // Managing the team's members is the team admin's, whatever the org role.
        assert!(p.team_rows[2].answers[0].is_allowed());
    }

    #[test]
    fn team_role_changes_list_gains_and_losses_capped_by_the_org_role() {
        let (gains, losses) =
            team_role_change_effect(OrgRole::Tech, None, Some(TeamRole::TeamMember));
        assert_eq!(
            gains,
            [
                "View the team's resources",
                "Create and delete the team's resources"
            ]
        );
        assert!(losses.is_empty());
        // A Viewer made team member gains only the view: the org role caps it.
        let (gains, _) = team_role_change_effect(OrgRole::Viewer, None, Some(TeamRole::TeamMember));
        assert_eq!(gains, ["View the team's resources"]);
        let (gains, losses) = team_role_change_effect(
            OrgRole::Tech,
            Some(TeamRole::TeamAdmin),
            Some(TeamRole::TeamViewer),
        );
        assert!(gains.is_empty());
        assert_eq!(
            losses,
            [
                "Create and delete the team's resources",
                "Add and remove team members"
            ]
        );
        // Owners keep everything whatever the team role.
        assert_eq!(
            team_role_change_effect(OrgRole::Owner, Some(TeamRole::TeamAdmin), None),
            (vec![], vec![])
        );
    }

    #[test]
    fn the_preview_agrees_with_the_decisions_cell_by_cell() {
        let team_roles = [
            None,
            Some(TeamRole::TeamAdmin),
            Some(TeamRole::TeamMember),
            Some(TeamRole::TeamViewer),
        ];
        for role in OrgRole::ALL {
            let teams: Vec<PreviewTeam> = team_roles
                .iter()
                .enumerate()
                .map(|(i, r)| team(&format!("T{i}"), *r))
                .collect();
            let p = preview(role, teams);
            for row in &p.organization {
                let decided = decide(AccountKind::Organization, role, row.permission);
                match grant(role, row.permission) {
                    Grant::Team => assert!(!matches!(row.answer, Answer::Allowed)),
                    _ => assert_eq!(row.answer, Answer::from(decided)),
                }
            }
            for row in &p.team_rows {
                for (answer, team_role) in row.answers.iter().zip(team_roles) {
                    assert_eq!(
                        answer,
                        &Answer::from(decide_in_team(role, team_role, row.permission))
                    );
                }
            }
        }
    }
}
