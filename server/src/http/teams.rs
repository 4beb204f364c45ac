//! Teams: list; create, rename, delete (Owners); set and remove team members
//! (Owners, and each team's admins for their own team).

use super::extract::{ApiJson, ApiPath, ApiQuery, AuthUser};
use super::pagination::{page_in_memory, PageParams};
use super::responses::{created, Forbidden, Invalid, NotFound, Unauthenticated};
use super::state::AppState;
use crate::error::{ApiError, ApiResult};
use crate::operations::{AccountTx, Change};
use crate::store::instances::count_in_team;
use crate::store::members::member_role;
use crate::store::teams::{self as teams_db, team_name, team_role, team_view};
use crate::store::Target;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, patch, put};
use axum::{Json, Router};
use domain::activity::Event;
use domain::api::{MemberView, Page, TeamMemberRequest, TeamNameRequest, TeamView};
use domain::{AccountId, ErrorCode, Permission, Problem, TeamId, TeamPermission, UserId};
use serde_json::json;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/accounts/{id}/teams", get(list_teams).post(create_team))
        .route(
            "/accounts/{id}/teams/{team_id}",
            patch(rename_team).delete(delete_team),
        )
        .route(
            "/accounts/{id}/teams/{team_id}/members/{user_id}",
            put(set_team_member).delete(remove_team_member),
        )
}

/// The organization's teams.
#[utoipa::path(get, path = "/api/accounts/{id}/teams", tag = "teams",
    params(("id" = AccountId, Path, description = "Account id")),
    responses(
        (status = 200, description = "Teams, oldest first", body = Page<TeamView>),
        Unauthenticated,
        NotFound))]
pub async fn list_teams(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<AccountId>,
    ApiQuery(params): ApiQuery<PageParams>,
) -> ApiResult<Json<Page<TeamView>>> {
    let account = caller.member_account(&state, id).await?;
    account.decide(Permission::ViewOrganization)?;
    let paging = params.parse()?;
    let teams = state.store.list_teams(&account, caller.user.id).await?;
    Ok(Json(page_in_memory(teams, &paging)?))
}

/// Opens a change to `team` of account `id`: the account transaction and the
/// team's name, or 404 for either.
async fn open_team(
    state: &AppState,
    caller: &AuthUser,
    id: AccountId,
    team: TeamId,
) -> ApiResult<(AccountTx, String)> {
    let mut tx = AccountTx::open_member(&state.store, caller.actor(), id).await?;
    let name = team_name(tx.tx(), id, team)
        .await?
        .ok_or(ApiError::NotFound("team"))?;
    Ok((tx, name))
}

/// Whether the caller may manage `team`'s members: Owners everywhere, team
/// admins in their own team.
async fn check_team_admin(tx: &mut AccountTx, team: TeamId) -> ApiResult<()> {
    tx.decide(Permission::ViewOrganization)?;
    let user = tx.actor().user;
    let role = team_role(tx.tx(), team, user).await?;
    tx.decide_in_team(role, TeamPermission::ManageTeamMembers)
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
    let mut tx = AccountTx::open(&state.store, caller.actor(), id, Permission::ManageTeams).await?;
    let name = request.validate().map_err(ApiError::Invalid)?;
    let now = tx.now();
    let team = teams_db::create_team(tx.tx(), id, name.as_str(), now).await?;
    let view = team_view(tx.tx(), team, caller.user.id).await?;
    let payload = json!({ "name": name.as_str() });
    tx.commit(Change::new(Event::TeamCreated, Target::Team(team), payload))
        .await?;
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
    let (mut tx, old_name) = open_team(&state, &caller, id, team).await?;
    tx.decide(Permission::ManageTeams)?;
    let name = request.validate().map_err(ApiError::Invalid)?;
    if name.as_str() != old_name {
        teams_db::rename_team(tx.tx(), team, name.as_str()).await?;
        let view = team_view(tx.tx(), team, caller.user.id).await?;
        let payload = json!({ "from": old_name, "to": name.as_str() });
        tx.commit(Change::new(Event::TeamRenamed, Target::Team(team), payload))
            .await?;
        return Ok(Json(view));
    }
    Ok(Json(team_view(tx.tx(), team, caller.user.id).await?))
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
    let (mut tx, name) = open_team(&state, &caller, id, team).await?;
    tx.decide(Permission::ManageTeams)?;
    let instances = count_in_team(tx.tx(), team).await?;
    if instances > 0 {
        let (noun, pronoun) = if instances == 1 {
            ("instance", "it")
        } else {
            ("instances", "them")
        };
        return Err(ApiError::denied(
            ErrorCode::TeamNotEmpty,
            format!("The team {name} still owns {instances} {noun}: delete {pronoun} first, then the team."),
        ));
    }
    teams_db::delete_team(tx.tx(), team).await?;
    tx.commit(Change::new(
        Event::TeamDeleted,
        Target::Team(team),
        json!({ "name": name }),
    ))
    .await?;
    Ok(StatusCode::NO_CONTENT)
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
    let (mut tx, name) = open_team(&state, &caller, id, team).await?;
    check_team_admin(&mut tx, team).await?;
    let viewer = tx.account().role;
    let role = request.validate().map_err(ApiError::Invalid)?;
    member_role(tx.tx(), id, member)
        .await?
        .ok_or(ApiError::NotFound("member"))?;
    let previous = team_role(tx.tx(), team, member).await?;
    if previous != Some(role) {
        teams_db::set_team_member(tx.tx(), id, team, member, role).await?;
        let payload = json!({ "team_id": team.to_string(), "team": name, "from": previous.map(|r| r.id()), "to": role.id() });
        tx.commit(Change::new(
            Event::TeamMemberSet,
            Target::User(member),
            payload,
        ))
        .await?;
    } else {
        tx.unchanged();
    }
    let view = state.store.member(id, member).await?;
    Ok(Json(
        view.ok_or(ApiError::NotFound("member"))?.seen_by(viewer),
    ))
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
    let (mut tx, name) = open_team(&state, &caller, id, team).await?;
    check_team_admin(&mut tx, team).await?;
    let previous = team_role(tx.tx(), team, member)
        .await?
        .ok_or(ApiError::NotFound("team member"))?;
    teams_db::remove_team_member(tx.tx(), team, member).await?;
    let payload = json!({ "team_id": team.to_string(), "team": name, "role": previous.id() });
    tx.commit(Change::new(
        Event::TeamMemberRemoved,
        Target::User(member),
        payload,
    ))
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
