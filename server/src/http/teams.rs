//! Teams: create, rename, delete (Owners); set and remove team members (Owners,
//! and each team's admins for their own team).

use super::extract::{ApiJson, ApiPath, AuthUser};
use super::openapi::problems::{Forbidden, Invalid, NotFound, Unauthenticated};
use super::{created, now, AppState};
use crate::error::{ApiError, ApiResult};
use crate::store::accounts as db;
use crate::store::instances as instances_db;
use crate::store::members as members_db;
use crate::store::{self, AccountRow, Activity, WriteTx};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{patch, post, put};
use axum::{Json, Router};
use domain::api::{MemberView, TeamMemberRequest, TeamNameRequest, TeamView};
use domain::roles::{decide, decide_in_team};
use domain::{AccountId, ErrorCode, Permission, Problem, TeamId, TeamPermission, UserId};
use serde_json::json;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/accounts/{id}/teams", post(create_team))
        .route(
            "/accounts/{id}/teams/{team_id}",
            patch(rename_team).delete(delete_team),
        )
        .route(
            "/accounts/{id}/teams/{team_id}/members/{user_id}",
            put(set_team_member).delete(remove_team_member),
        )
}

/// The caller's account (locked) and the team's name, or 404 for either.
async fn team_in(
    tx: &mut WriteTx,
    id: AccountId,
    team: TeamId,
    user: UserId,
) -> ApiResult<(AccountRow, String)> {
    let account = db::locked_member_account(tx, id, user).await?;
    let name = members_db::team_name(tx, id, team)
        .await?
        .ok_or(ApiError::NotFound("team"))?;
    Ok((account, name))
}

/// Creates a team (Owners).
#[utoipa::path(post, path = "/api/accounts/{id}/teams", tag = "teams", request_body = TeamNameRequest,
    params(("id" = AccountId, Path, description = "Account id")),
    responses(
        (status = 201, description = "Created", body = TeamView),
        Unauthenticated, Forbidden, NotFound, Invalid))]
pub async fn create_team(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<AccountId>,
    ApiJson(request): ApiJson<TeamNameRequest>,
) -> ApiResult<Response> {
    let user = &caller.user;
    let now = now();
    let mut tx = state.store.begin_write().await?;
    let account = db::locked_member_account(&mut tx, id, user.id).await?;
    decide(account.kind, account.role, Permission::ManageTeams)?;
    let name = request.validate().map_err(ApiError::Invalid)?;
    let team = members_db::create_team(&mut tx, id, name.as_str(), now).await?;
    let activity = Activity {
        account_id: id,
        actor: caller.actor(),
        event: "team.created",
        target_type: "team",
        target_id: team.to_string(),
        payload: json!({ "name": name.as_str() }),
    };
    store::record(&mut tx, activity, now).await?;
    let view = members_db::team_view(&mut tx, team, user.id).await?;
    tx.commit().await?;
    Ok(created(format!("/api/accounts/{id}/teams/{team}"), view))
}

/// Renames a team (Owners).
#[utoipa::path(patch, path = "/api/accounts/{id}/teams/{team_id}", tag = "teams", request_body = TeamNameRequest,
    params(("id" = AccountId, Path, description = "Account id"), ("team_id" = TeamId, Path, description = "Team id")),
    responses(
        (status = 200, description = "Renamed", body = TeamView),
        Unauthenticated,
        Forbidden,
        NotFound,
        Invalid))]
pub async fn rename_team(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath((id, team)): ApiPath<(AccountId, TeamId)>,
    ApiJson(request): ApiJson<TeamNameRequest>,
) -> ApiResult<Json<TeamView>> {
    let user = &caller.user;
    let now = now();
    let mut tx = state.store.begin_write().await?;
    let (account, old_name) = team_in(&mut tx, id, team, user.id).await?;
    decide(account.kind, account.role, Permission::ManageTeams)?;
    let name = request.validate().map_err(ApiError::Invalid)?;
    if name.as_str() != old_name {
        members_db::rename_team(&mut tx, team, name.as_str()).await?;
        let activity = Activity {
            account_id: id,
            actor: caller.actor(),
            event: "team.renamed",
            target_type: "team",
            target_id: team.to_string(),
            payload: json!({ "from": old_name, "to": name.as_str() }),
        };
        store::record(&mut tx, activity, now).await?;
    }
    let view = members_db::team_view(&mut tx, team, user.id).await?;
    tx.commit().await?;
    Ok(Json(view))
}

/// Deletes a team (Owners); its members stay in the organization. A team that
/// still owns instances is not deleted (409 `team_not_empty`).
#[utoipa::path(delete, path = "/api/accounts/{id}/teams/{team_id}", tag = "teams",
    params(("id" = AccountId, Path, description = "Account id"), ("team_id" = TeamId, Path, description = "Team id")),
    responses(
        (status = 204, description = "Deleted"),
        Unauthenticated,
        Forbidden,
        NotFound,
        (status = 409, description = "`team_not_empty`: the team still owns instances", body = Problem, content_type = "application/problem+json")))]
pub async fn delete_team(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath((id, team)): ApiPath<(AccountId, TeamId)>,
) -> ApiResult<StatusCode> {
    let user = &caller.user;
    let now = now();
    let mut tx = state.store.begin_write().await?;
    let (account, name) = team_in(&mut tx, id, team, user.id).await?;
    decide(account.kind, account.role, Permission::ManageTeams)?;
    let instances = instances_db::count_in_team(&mut tx, team).await?;
    if instances > 0 {
        return Err(ApiError::denied(
            ErrorCode::TeamNotEmpty,
            format!(
                "The team {name} still owns {instances} instance{}: delete {} first, then the team.",
                if instances == 1 { "" } else { "s" },
                if instances == 1 { "it" } else { "them" }
            ),
        ));
    }
    members_db::delete_team(&mut tx, team).await?;
    let activity = Activity {
        account_id: id,
        actor: caller.actor(),
        event: "team.deleted",
        target_type: "team",
        target_id: team.to_string(),
        payload: json!({ "name": name }),
    };
    store::record(&mut tx, activity, now).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Whether the caller may manage `team`'s members: Owners everywhere, team
/// admins in their own team.
async fn check_team_admin(
    tx: &mut WriteTx,
    account: &AccountRow,
    team: TeamId,
    user: UserId,
) -> ApiResult<()> {
    decide(account.kind, account.role, Permission::ViewOrganization)?;
    let team_role = members_db::team_role(tx, team, user).await?;
    decide_in_team(account.role, team_role, TeamPermission::ManageTeamMembers)?;
    Ok(())
}

/// Puts an organization member in a team with a team role, or changes it.
#[utoipa::path(put, path = "/api/accounts/{id}/teams/{team_id}/members/{user_id}", tag = "teams", request_body = TeamMemberRequest,
    params(("id" = AccountId, Path, description = "Account id"), ("team_id" = TeamId, Path, description = "Team id"),
        ("user_id" = UserId, Path, description = "An organization member's user id")),
    responses(
        (status = 200, description = "The member with their teams", body = MemberView),
        Unauthenticated,
        Forbidden,
        (status = 404, description = "`not_found` (account, team or member)", body = Problem, content_type = "application/problem+json"),
        Invalid))]
pub async fn set_team_member(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath((id, team, member)): ApiPath<(AccountId, TeamId, UserId)>,
    ApiJson(request): ApiJson<TeamMemberRequest>,
) -> ApiResult<Json<MemberView>> {
    let user = &caller.user;
    let now = now();
    let mut tx = state.store.begin_write().await?;
    let (account, name) = team_in(&mut tx, id, team, user.id).await?;
    check_team_admin(&mut tx, &account, team, user.id).await?;
    let role = request.validate().map_err(ApiError::Invalid)?;
    members_db::member_role(&mut tx, id, member)
        .await?
        .ok_or(ApiError::NotFound("member"))?;
    let previous = members_db::team_role(&mut tx, team, member).await?;
    if previous != Some(role) {
        members_db::set_team_member(&mut tx, id, team, member, role).await?;
        let activity = Activity {
            account_id: id,
            actor: caller.actor(),
            event: "team.member_set",
            target_type: "user",
            target_id: member.to_string(),
            payload: json!({ "team_id": team.to_string(), "team": name, "from": previous.map(|r| r.id()), "to": role.id() }),
        };
        store::record(&mut tx, activity, now).await?;
    }
    tx.commit().await?;
    let view = state
        .store
        .member(id, member)
        .await?
        .ok_or(ApiError::NotFound("member"))?;
    Ok(Json(view))
}

/// Takes a member out of a team; they stay in the organization.
#[utoipa::path(delete, path = "/api/accounts/{id}/teams/{team_id}/members/{user_id}", tag = "teams",
    params(("id" = AccountId, Path, description = "Account id"), ("team_id" = TeamId, Path, description = "Team id"),
        ("user_id" = UserId, Path, description = "A team member's user id")),
    responses(
        (status = 204, description = "Removed from the team"),
        Unauthenticated,
        Forbidden,
        (status = 404, description = "`not_found` (account, team or team member)", body = Problem, content_type = "application/problem+json")))]
pub async fn remove_team_member(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath((id, team, member)): ApiPath<(AccountId, TeamId, UserId)>,
) -> ApiResult<StatusCode> {
    let user = &caller.user;
    let now = now();
    let mut tx = state.store.begin_write().await?;
    let (account, name) = team_in(&mut tx, id, team, user.id).await?;
    check_team_admin(&mut tx, &account, team, user.id).await?;
    let previous = members_db::team_role(&mut tx, team, member)
        .await?
        .ok_or(ApiError::NotFound("team member"))?;
    members_db::remove_team_member(&mut tx, team, member).await?;
    let activity = Activity {
        account_id: id,
        actor: caller.actor(),
        event: "team.member_removed",
        target_type: "user",
        target_id: member.to_string(),
        payload: json!({ "team_id": team.to_string(), "team": name, "role": previous.id() }),
    };
    store::record(&mut tx, activity, now).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
