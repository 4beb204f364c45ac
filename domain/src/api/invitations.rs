//! Invitations: sending, listing and answering them.

use super::teams::TeamRoleView;
use crate::error::FieldError;
use crate::ids::{AccountId, UserId};
use crate::roles::{OrgRole, TeamRole};
use crate::text::{join, Email, Errors};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

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

/// `POST /api/invitations/accept-token` and `POST /api/invitations/preview`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct InvitationTokenRequest {
    pub token: String,
}

#[cfg(test)]
mod tests {
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
