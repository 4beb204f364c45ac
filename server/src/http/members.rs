//! Members: list, change role, remove; transfer ownership; change plan; teams list.

use super::accounts::remove_member_in;
use super::extract::{ApiJson, ApiPath, ApiQuery, AuthUser};
use super::openapi::problems::{Forbidden, Invalid, NotFound, Unauthenticated};
use super::pagination::PageParams;
use super::{now, AppState};
use crate::error::{ApiError, ApiResult};
use crate::store::accounts as db;
use crate::store::members::{self as members_db, MemberCursor};
use crate::store::{self, invitations as invitations_db, Activity};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, patch, post, put};
use axum::{Json, Router};
use domain::api::{
    parse_plan, parse_role, AccountView, ChangePlanRequest, ChangeRoleRequest, MemberView, Page,
    TeamView, TransferOwnershipRequest,
};
use domain::roles::decide;
use domain::rules::{check_plan_change, check_role_change};
use domain::{AccountId, FieldError, OrgRole, Permission, Problem, UserId};
use serde::Deserialize;
use serde_json::json;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/accounts/{id}/members", get(list_members))
        .route(
            "/accounts/{id}/members/{user_id}",
            patch(change_member_role).delete(remove_member),
        )
        .route(
            "/accounts/{id}/transfer-ownership",
            post(transfer_ownership),
        )
        .route("/accounts/{id}/plan", put(change_plan))
        .route("/accounts/{id}/teams", get(list_teams))
}

/// `?q=&limit=&cursor=` of the members list.
#[derive(Debug, Default, Deserialize)]
pub struct MembersQuery {
    pub q: Option<String>,
    pub limit: Option<String>,
    pub cursor: Option<String>,
}

/// Members in the order they joined, searchable by name or email.
#[utoipa::path(get, path = "/api/accounts/{id}/members", tag = "members",
    params(("id" = AccountId, Path, description = "Account id"),
        ("q" = Option<String>, Query, description = "Part of a name or email"),
        ("limit" = Option<u32>, Query, description = "1 to 200, default 50"),
        ("cursor" = Option<String>, Query, description = "From `next_cursor`")),
    responses(
        (status = 200, description = "A page of members", body = Page<MemberView>),
        Unauthenticated,
        NotFound,
        Invalid))]
pub async fn list_members(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<AccountId>,
    ApiQuery(query): ApiQuery<MembersQuery>,
) -> ApiResult<Json<Page<MemberView>>> {
    let user = &caller.user;
    let account = state.store.member_account(id, user.id).await?;
    decide(account.kind, account.role, Permission::ViewOrganization)?;
    let paging = PageParams {
        limit: query.limit,
        cursor: query.cursor,
    }
    .parse()?;
    let after = match paging.cursor.as_deref() {
        None => None,
        Some(text) => Some(MemberCursor::decode(text).ok_or_else(|| {
            ApiError::Invalid(vec![FieldError::new(
                "cursor",
                "is not a cursor this list gave",
            )])
        })?),
    };
    let search = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    let (items, next) = state
        .store
        .list_members(id, search, after.as_ref(), paging.limit)
        .await?;
    Ok(Json(Page {
        items,
        next_cursor: next.map(|c| c.encode()),
    }))
}

/// Changes a member's role (Owners). The last Owner cannot be demoted.
#[utoipa::path(patch, path = "/api/accounts/{id}/members/{user_id}", tag = "members", request_body = ChangeRoleRequest,
    params(("id" = AccountId, Path, description = "Account id"), ("user_id" = UserId, Path, description = "Member's user id")),
    responses(
        (status = 200, description = "The member with the new role", body = MemberView),
        Unauthenticated,
        Forbidden,
        NotFound,
        (status = 409, description = "`last_owner`", body = Problem, content_type = "application/problem+json"),
        Invalid))]
pub async fn change_member_role(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath((id, member)): ApiPath<(AccountId, UserId)>,
    ApiJson(request): ApiJson<ChangeRoleRequest>,
) -> ApiResult<Json<MemberView>> {
    let user = &caller.user;
    let now = now();
    let mut tx = state.store.begin_write().await?;
    let account = db::locked_member_account(&mut tx, id, user.id).await?;
    decide(account.kind, account.role, Permission::ManageMembers)?;
    let role = parse_role("role", &request.role).map_err(ApiError::Invalid)?;
    let from = members_db::member_role(&mut tx, id, member)
        .await?
        .ok_or(ApiError::NotFound("member"))?;
    if from != role {
        check_role_change(from, role, db::headcount(&mut tx, id).await?)?;
        members_db::set_member_role(&mut tx, id, member, role).await?;
        let activity = Activity {
            account_id: id,
            actor: caller.actor(),
            event: "member.role_changed",
            target_type: "user",
            target_id: member.to_string(),
            payload: json!({ "from": from.id(), "to": role.id() }),
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

/// Removes a member (Owners); removing oneself is leaving. Their teams go too.
#[utoipa::path(delete, path = "/api/accounts/{id}/members/{user_id}", tag = "members",
    params(("id" = AccountId, Path, description = "Account id"), ("user_id" = UserId, Path, description = "Member's user id")),
    responses(
        (status = 204, description = "Removed"),
        Unauthenticated,
        Forbidden,
        NotFound,
        (status = 409, description = "`last_owner` or `last_member`", body = Problem, content_type = "application/problem+json")))]
pub async fn remove_member(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath((id, member)): ApiPath<(AccountId, UserId)>,
) -> ApiResult<StatusCode> {
    let user = &caller.user;
    let now = now();
    let mut tx = state.store.begin_write().await?;
    let account = db::locked_member_account(&mut tx, id, user.id).await?;
    if member != user.id {
        decide(account.kind, account.role, Permission::ManageMembers)?;
    }
    let role = members_db::member_role(&mut tx, id, member)
        .await?
        .ok_or(ApiError::NotFound("member"))?;
    remove_member_in(&mut tx, &account, member, role, &caller.actor(), now).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Makes another member an Owner and gives the caller `new_role` (default Admin),
/// in one step.
#[utoipa::path(post, path = "/api/accounts/{id}/transfer-ownership", tag = "members", request_body = TransferOwnershipRequest,
    params(("id" = AccountId, Path, description = "Account id")),
    responses(
        (status = 200, description = "The account with the caller's new role", body = AccountView),
        Unauthenticated,
        Forbidden,
        NotFound,
        Invalid))]
pub async fn transfer_ownership(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<AccountId>,
    ApiJson(request): ApiJson<TransferOwnershipRequest>,
) -> ApiResult<Json<AccountView>> {
    let user = &caller.user;
    let now = now();
    let mut tx = state.store.begin_write().await?;
    let account = db::locked_member_account(&mut tx, id, user.id).await?;
    decide(account.kind, account.role, Permission::TransferOrDelete)?;
    let mut errors = Vec::new();
    let target = request.user_id.trim().parse::<UserId>().ok();
    if target.is_none() {
        errors.push(FieldError::new("user_id", "must be a member's user id"));
    }
    let new_role = match request.new_role.as_deref() {
        None => Some(OrgRole::Admin),
        Some(raw) => parse_role("new_role", raw)
            .map_err(|e| errors.extend(e))
            .ok(),
    };
    let (Some(target), Some(new_role)) = (target, new_role) else {
        return Err(ApiError::Invalid(errors));
    };
    if target == user.id {
        return Err(ApiError::Invalid(vec![FieldError::new(
            "user_id",
            "choose another member than yourself",
        )]));
    }
    let target_role = members_db::member_role(&mut tx, id, target)
        .await?
        .ok_or_else(|| {
            ApiError::Invalid(vec![FieldError::new(
                "user_id",
                "is not a member of this organization",
            )])
        })?;
    members_db::set_member_role(&mut tx, id, target, OrgRole::Owner).await?;
    members_db::set_member_role(&mut tx, id, user.id, new_role).await?;
    let activity = Activity {
        account_id: id,
        actor: caller.actor(),
        event: "org.ownership_transferred",
        target_type: "user",
        target_id: target.to_string(),
        payload: json!({ "to": target.to_string(), "their_previous_role": target_role.id(), "from": user.id.to_string(), "caller_new_role": new_role.id() }),
    };
    store::record(&mut tx, activity, now).await?;
    let updated = db::locked_member_account(&mut tx, id, user.id).await?;
    tx.commit().await?;
    Ok(Json(updated.view()))
}

/// Changes the plan (Owners and Admins); the new plan must hold the members and
/// pending invitations (`plan_too_small`).
#[utoipa::path(put, path = "/api/accounts/{id}/plan", tag = "members", request_body = ChangePlanRequest,
    params(("id" = AccountId, Path, description = "Account id")),
    responses(
        (status = 200, description = "The account on its new plan", body = AccountView),
        Unauthenticated,
        Forbidden,
        NotFound,
        (status = 409, description = "`plan_too_small`", body = Problem, content_type = "application/problem+json"),
        Invalid))]
pub async fn change_plan(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<AccountId>,
    ApiJson(request): ApiJson<ChangePlanRequest>,
) -> ApiResult<Json<AccountView>> {
    let user = &caller.user;
    let now = now();
    let mut tx = state.store.begin_write().await?;
    let account = db::locked_member_account(&mut tx, id, user.id).await?;
    decide(account.kind, account.role, Permission::ManageBilling)?;
    let plan = parse_plan(&request.plan).map_err(ApiError::Invalid)?;
    if plan != account.plan {
        invitations_db::expire_due(&mut tx, id, now).await?;
        let headcount = db::headcount(&mut tx, id).await?;
        let pending = invitations_db::count_pending(&mut tx, id).await?;
        check_plan_change(plan, headcount.n_members, pending)?;
        members_db::set_plan(&mut tx, id, plan).await?;
        let activity = Activity {
            account_id: id,
            actor: caller.actor(),
            event: "plan.changed",
            target_type: account.kind.id(),
            target_id: id.to_string(),
            payload: json!({ "from": account.plan.id(), "to": plan.id() }),
        };
        store::record(&mut tx, activity, now).await?;
    }
    let updated = db::locked_member_account(&mut tx, id, user.id).await?;
    tx.commit().await?;
    Ok(Json(updated.view()))
}

/// The organization's teams.
#[utoipa::path(get, path = "/api/accounts/{id}/teams", tag = "members",
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
    let user = &caller.user;
    let account = state.store.member_account(id, user.id).await?;
    decide(account.kind, account.role, Permission::ViewOrganization)?;
    let paging = params.parse()?;
    let teams = state.store.list_teams(id, user.id).await?;
    Ok(Json(super::pagination::page_in_memory(teams, &paging)?))
}
