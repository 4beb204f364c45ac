//! Members: list and search, change a role, remove; transfer ownership.

use super::extract::{ApiJson, ApiPath, ApiQuery, AuthUser};
use super::pagination::{page_of, PageParams};
use super::responses::{Forbidden, Invalid, NotFound, Unauthenticated};
use super::state::AppState;
use crate::error::{ApiError, ApiResult};
use crate::operations::memberships;
use crate::operations::{AccountTx, Change};
use crate::store::accounts::member_standing;
use crate::store::members::{member_role, set_member_role, MemberCursor};
use crate::store::Target;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use domain::activity::Event;
use domain::api::{
    parse_role, AccountView, ChangeRoleRequest, MemberView, Page, TransferOwnershipRequest,
};
use domain::rules::check_role_change;
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
    let account = caller.member_account(&state, id).await?;
    account.decide(Permission::ViewOrganization)?;
    let paging = PageParams {
        limit: query.limit,
        cursor: query.cursor,
    }
    .parse()?;
    let after = paging
        .cursor
        .as_deref()
        .map(|text| MemberCursor::decode(text).ok_or_else(PageParams::bad_cursor))
        .transpose()?;
    let search = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    let (members, next) = state
        .store
        .list_members(&account, search, after.as_ref(), paging.limit)
        .await?;
    // Owners and Admins of ancestors act here too (SPEC §17): listed first,
    // on the first page, marked with `inherited_from`.
    let mut listed = Vec::new();
    if after.is_none() && account.parent.is_some() {
        let needle = search.map(str::to_lowercase);
        let inherited = state.store.inherited_members(id).await?;
        listed.extend(inherited.into_iter().filter(|m| match &needle {
            Some(q) => m.name.to_lowercase().contains(q) || m.email.contains(q.as_str()),
            None => true,
        }));
    }
    listed.extend(members);
    let members = listed.into_iter().map(|m| m.seen_by(account.role));
    Ok(Json(page_of((members.collect(), next))))
}

/// The member as listed, after a change (by an Owner, who sees everything).
async fn member_view(state: &AppState, id: AccountId, member: UserId) -> ApiResult<MemberView> {
    state
        .store
        .member(id, member)
        .await?
        .ok_or(ApiError::NotFound("member"))
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
    let mut tx =
        AccountTx::open(&state.store, caller.actor(), id, Permission::ManageMembers).await?;
    let role = parse_role("role", &request.role).map_err(ApiError::Invalid)?;
    let (from, headcount) = member_standing(tx.tx(), id, member)
        .await?
        .ok_or(ApiError::NotFound("member"))?;
    if from != role {
        check_role_change(from, role, headcount)?;
        set_member_role(tx.tx(), id, member, role).await?;
        let payload = json!({ "from": from.id(), "to": role.id() });
        tx.commit(Change::new(
            Event::MemberRoleChanged,
            Target::User(member),
            payload,
        ))
        .await?;
    } else {
        tx.unchanged();
    }
    Ok(Json(member_view(&state, id, member).await?))
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
    let mut tx = AccountTx::open_member(&state.store, caller.actor(), id).await?;
    if member != caller.user.id {
        tx.decide(Permission::ManageMembers)?;
    }
    let change = memberships::remove_member(&mut tx, member).await?;
    tx.commit(change).await?;
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
    let me = caller.user.id;
    let mut tx = AccountTx::open(
        &state.store,
        caller.actor(),
        id,
        Permission::TransferOrDelete,
    )
    .await?;
    let (target, new_role) = transfer_request(&request, me)?;
    let not_member = || FieldError::new("user_id", "is not a member of this organization");
    let target_role = member_role(tx.tx(), id, target)
        .await?
        .ok_or_else(|| ApiError::Invalid(vec![not_member()]))?;
    set_member_role(tx.tx(), id, target, OrgRole::Owner).await?;
    set_member_role(tx.tx(), id, me, new_role).await?;
    let updated = tx.reread().await?;
    let payload = json!({ "to": target.to_string(), "their_previous_role": target_role.id(), "from": me.to_string(), "caller_new_role": new_role.id() });
    tx.commit(Change::new(
        Event::OrgOwnershipTransferred,
        Target::User(target),
        payload,
    ))
    .await?;
    Ok(Json(updated.view()))
}

/// The new Owner and the caller's new role (default Admin), every bad field reported.
fn transfer_request(
    request: &TransferOwnershipRequest,
    me: UserId,
) -> ApiResult<(UserId, OrgRole)> {
    let mut errors = Vec::new();
    let target = request.user_id.trim().parse::<UserId>().ok();
    match target {
        None => errors.push(FieldError::new("user_id", "must be a member's user id")),
        Some(target) if target == me => errors.push(FieldError::new(
            "user_id",
            "choose another member than yourself",
        )),
        Some(_) => {}
    }
    let new_role = match request.new_role.as_deref() {
        None => Some(OrgRole::Admin),
        Some(raw) => parse_role("new_role", raw)
            .map_err(|e| errors.extend(e))
            .ok(),
    };
    match (target, new_role) {
        (Some(target), Some(new_role)) if errors.is_empty() => Ok((target, new_role)),
        _ => Err(ApiError::Invalid(errors)),
    }
}
