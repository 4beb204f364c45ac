//! Instances (SPEC §9): list what the caller may see, create in a team where the
//! caller may (in an active account), delete. Every decision is
//! `domain::resources::resource_access` or `domain::roles::decide_in_team`.

use super::extract::{ApiJson, ApiPath, ApiQuery, AuthUser};
use super::pagination::{page_of, PageParams};
use super::responses::{created, Forbidden, Invalid, NotFound, Unauthenticated};
use super::state::AppState;
use crate::error::{ApiError, ApiResult};
use crate::operations::{AccountTx, Change};
use crate::store::instances::{self as instances_db, NewInstanceRow, Visible};
use crate::store::teams::{team_name, team_role, teams_with_roles};
use crate::store::{AccountRow, Target};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{delete, get};
use axum::{Json, Router};
use domain::activity::Event;
use domain::api::{CreateInstanceRequest, InstanceView, Page};
use domain::resources::{check_can_create, resource_access, ResourceAccess};
use domain::roles::{decide, decide_in_team, grant, Grant};
use domain::{
    AccountId, AccountKind, FieldError, InstanceId, Permission, Problem, TeamId, TeamPermission,
};
use serde::Deserialize;
use serde_json::json;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/accounts/{id}/instances",
            get(list_instances).post(create_instance),
        )
        .route(
            "/accounts/{id}/instances/{instance_id}",
            delete(delete_instance),
        )
}

/// `GET …/instances` query.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InstanceParams {
    /// Page size, 1–200 (default 50).
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Only this team's instances.
    pub team_id: Option<String>,
}

fn invalid(field: &str, message: &str) -> ApiError {
    ApiError::Invalid(vec![FieldError::new(field, message)])
}

/// The instances the caller may see: all of them for Owners (and in a personal
/// account), those of the caller's teams for Techs and Viewers; Admins get 403.
#[utoipa::path(get, path = "/api/accounts/{id}/instances", tag = "instances",
    params(("id" = AccountId, Path, description = "Account id"), InstanceParams),
    responses(
        (status = 200, description = "Instances, oldest first", body = Page<InstanceView>),
        Unauthenticated, Forbidden, NotFound, Invalid))]
pub async fn list_instances(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<AccountId>,
    ApiQuery(params): ApiQuery<InstanceParams>,
) -> ApiResult<Json<Page<InstanceView>>> {
    let user = &caller.user;
    let account = caller.member_account(&state, id).await?;
    let paging = PageParams {
        limit: params.limit,
        cursor: None,
    }
    .parse()?;
    let after = match params.cursor.as_deref() {
        None | Some("") => None,
        Some(raw) => Some(
            raw.parse::<InstanceId>()
                .map_err(|_| PageParams::bad_cursor())?,
        ),
    };
    let team = match params.team_id.as_deref() {
        None | Some("") => None,
        Some(raw) => Some(
            raw.parse::<TeamId>()
                .map_err(|_| invalid("team_id", "must be a team id"))?,
        ),
    };
    let visible = if account.kind == AccountKind::Personal {
        decide(account.kind, account.role, Permission::ViewResources)?;
        Visible::All
    } else {
        if grant(account.role, Permission::ViewResources) == Grant::No {
            decide_in_team(account.role, None, TeamPermission::ViewTeamResources)?;
        }
        if grant(account.role, Permission::ViewResources) == Grant::Yes {
            Visible::All
        } else {
            let roles = state.store.team_roles_of(id, user.id).await?;
            Visible::Teams(
                roles
                    .into_iter()
                    .filter(|(_, team_role)| {
                        resource_access(
                            account.kind,
                            account.role,
                            Some(*team_role),
                            TeamPermission::ViewTeamResources,
                        ) == ResourceAccess::Allowed
                    })
                    .map(|(team, _)| team)
                    .collect(),
            )
        }
    };
    let page = state
        .store
        .list_instances(&account, &visible, team, after, paging.limit)
        .await?;
    Ok(Json(page_of(page)))
}

/// Creates an instance in a team where the caller may create resources, in the
/// organization's region. The account must be `active`.
#[utoipa::path(post, path = "/api/accounts/{id}/instances", tag = "instances", request_body = CreateInstanceRequest,
    params(("id" = AccountId, Path, description = "Account id")),
    responses(
        (status = 201, description = "Created", body = InstanceView),
        Unauthenticated,
        Forbidden,
        (status = 404, description = "`not_found` (account or team)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`account_suspended`: add funds first", body = Problem, content_type = "application/problem+json"),
        Invalid))]
pub async fn create_instance(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<AccountId>,
    ApiJson(request): ApiJson<CreateInstanceRequest>,
) -> ApiResult<Response> {
    let mut tx = AccountTx::open_member(&state.store, caller.actor(), id).await?;
    if grant(tx.account().role, Permission::ManageResources) == Grant::No {
        tx.decide_in_team(None, TeamPermission::ManageTeamResources)?;
    }
    let new = request.validate().map_err(ApiError::Invalid)?;
    let team = owning_team(&mut tx, new.team_id).await?;
    let account = tx.account().clone();
    check_can_create(account.status)?;
    let row = NewInstanceRow {
        account: id,
        team,
        name: &new.name,
        size: new.size,
        region: account.region,
        created_by: caller.user.id,
    };
    let now = tx.now();
    let Some(view) = instances_db::create_instance(tx.tx(), row, now).await? else {
        let message = format!(
            "is taken: this account already has an instance named {}",
            new.name
        );
        return Err(invalid("name", &message));
    };
    let payload = json!({ "name": view.name, "size": view.size, "team_id": view.team_id, "region": view.region });
    tx.commit(Change::new(
        Event::InstanceCreated,
        Target::Instance(view.id),
        payload,
    ))
    .await?;
    Ok(created(
        format!("/api/accounts/{id}/instances/{}", view.id),
        view,
    ))
}

/// The team a new instance belongs to (none in a personal account): the one
/// named, or the caller's only team where they may create; the caller must
/// be allowed to create resources there.
async fn owning_team(tx: &mut AccountTx, named: Option<TeamId>) -> ApiResult<Option<TeamId>> {
    let account = tx.account().clone();
    if account.kind == AccountKind::Personal {
        tx.decide(Permission::ManageResources)?;
        return Ok(None);
    }
    let Some(team) = named else {
        return Ok(Some(only_team_for(tx, &account).await?));
    };
    team_name(tx.tx(), account.id, team)
        .await?
        .ok_or(ApiError::NotFound("team"))?;
    let user = tx.actor().user;
    let role = team_role(tx.tx(), team, user).await?;
    tx.decide_in_team(role, TeamPermission::ManageTeamResources)?;
    Ok(Some(team))
}

/// The one team where the caller may create resources, when the request
/// names none (its role there read with the teams, and decided).
async fn only_team_for(tx: &mut AccountTx, account: &AccountRow) -> ApiResult<TeamId> {
    let user = tx.actor().user;
    let candidates: Vec<TeamId> = teams_with_roles(tx.tx(), account.id, user)
        .await?
        .into_iter()
        .filter(|(_, team_role)| {
            decide_in_team(
                account.role,
                *team_role,
                TeamPermission::ManageTeamResources,
            )
            .is_ok()
        })
        .map(|(team, _)| team)
        .collect();
    match candidates.as_slice() {
        [one] => Ok(*one),
        [] => {
            decide(account.kind, account.role, Permission::ManageResources).map_err(|denial| {
                if grant(account.role, Permission::ManageResources) == Grant::Team {
                    domain::Denial::new(
                        domain::ErrorCode::Forbidden,
                        "You can create resources only in a team where you are team admin or team member, and you have no such team.",
                    )
                } else {
                    denial
                }
            })?;
            Err(invalid(
                "team_id",
                "must name a team: this organization has none",
            ))
        }
        _ => Err(invalid(
            "team_id",
            "must name the team that will own the instance",
        )),
    }
}

/// Deletes an instance (Owners; team admins and team members of its team).
#[utoipa::path(delete, path = "/api/accounts/{id}/instances/{instance_id}", tag = "instances",
    params(("id" = AccountId, Path, description = "Account id"), ("instance_id" = InstanceId, Path, description = "Instance id")),
    responses(
        (status = 204, description = "Deleted"),
        Unauthenticated,
        Forbidden,
        (status = 404, description = "`not_found` (account, or an instance the caller cannot see)", body = Problem, content_type = "application/problem+json")))]
pub async fn delete_instance(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath((id, instance)): ApiPath<(AccountId, InstanceId)>,
) -> ApiResult<StatusCode> {
    let mut tx = AccountTx::open_member(&state.store, caller.actor(), id).await?;
    let found = instances_db::instance_team(tx.tx(), id, instance).await?;
    let team_role = match found.as_ref().and_then(|(_, team)| *team) {
        Some(team) => team_role(tx.tx(), team, caller.user.id).await?,
        None => None,
    };
    let account = tx.account();
    let permission = TeamPermission::ManageTeamResources;
    match resource_access(account.kind, account.role, team_role, permission) {
        ResourceAccess::Allowed => {}
        ResourceAccess::Hidden => return Err(ApiError::NotFound("instance")),
        ResourceAccess::Denied(denial) => return Err(ApiError::Denied(denial)),
    }
    let (name, team) = found.ok_or(ApiError::NotFound("instance"))?;
    instances_db::delete_instance(tx.tx(), instance).await?;
    let payload = json!({ "name": name, "team_id": team });
    tx.commit(Change::new(
        Event::InstanceDeleted,
        Target::Instance(instance),
        payload,
    ))
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
