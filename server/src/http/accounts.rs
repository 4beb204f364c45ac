//! Accounts: list, create organization, view, edit, delete, leave.

use super::extract::{ApiJson, ApiPath, ApiQuery, AuthUser};
use super::openapi::problems::{Forbidden, Invalid, NotFound, Unauthenticated};
use super::pagination::{page_in_memory, PageParams};
use super::{created, now, AppState};
use crate::error::{ApiError, ApiResult};
use crate::store::accounts as db;
use crate::store::members as members_db;
use crate::store::{self, AccountRow, Activity, Actor, NewAccount, WriteTx};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::api::{
    AccountView, NewOrganization, NewOrganizationRequest, Page, UpdateAccountRequest,
};
use domain::roles::{decide, AccountStatus};
use domain::rules::{check_join, check_leave, check_remove};
use domain::text::{slug_base, slug_with_suffix, BillingAddressInput};
use domain::{
    AccountId, AccountKind, ErrorCode, OrgRole, Permission, Plan, Problem, TeamRole, Timestamp,
    UserId,
};
use serde_json::json;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/accounts", get(list_accounts).post(create_account))
        .route(
            "/accounts/{id}",
            get(get_account)
                .patch(update_account)
                .delete(delete_account),
        )
        .route("/accounts/{id}/leave", post(leave_account))
}

/// The name of the team every organization starts with.
pub const FIRST_TEAM: &str = "My Team";

/// Creates an organization owned by `owner`, with "My Team", inside `tx`.
/// Refuses with `org_limit_reached` when the owner is at the limit; the owner's
/// row lock makes concurrent creations count one after another.
pub async fn create_organization(
    tx: &mut WriteTx,
    state: &AppState,
    owner: UserId,
    organization: &NewOrganization,
    now: Timestamp,
) -> ApiResult<AccountId> {
    store::users::lock_user(tx, owner).await?;
    check_join(
        db::count_organizations(tx, owner).await?,
        state.config.limits(),
    )?;
    let base = slug_base(organization.name.as_str());
    let id = AccountId::from_uuid(uuid::Uuid::now_v7());
    let mut slug = None;
    // Another process may take the chosen slug between the look-up and the insert.
    for _ in 0..10 {
        let taken = db::slugs_like(tx, &base).await?;
        let candidate = (1..)
            .map(|n| slug_with_suffix(&base, n))
            .find(|s| !taken.contains(s))
            .unwrap_or_else(|| base.clone());
        let account = NewAccount {
            id,
            kind: AccountKind::Organization,
            name: organization.name.as_str(),
            slug: Some(&candidate),
            personal_user_id: None,
            status: AccountStatus::Suspended,
            plan: Plan::DEFAULT_FOR_ORGANIZATION,
            region: Some(organization.region),
            billing_address: Some(&organization.billing_address),
        };
        if db::insert_account(tx, &account, now).await? {
            slug = Some(candidate);
            break;
        }
    }
    let slug = slug.ok_or_else(|| ApiError::Internal(format!("no free slug for {base}")))?;
    db::insert_membership(tx, id, owner, OrgRole::Owner, now).await?;
    let team = members_db::create_team(tx, id, FIRST_TEAM, now).await?;
    members_db::set_team_member(tx, id, team, owner, TeamRole::TeamAdmin).await?;
    let activity = Activity {
        account_id: id,
        actor: Actor::user(owner),
        event: "org.created",
        target_type: "organization",
        target_id: id.to_string(),
        payload: json!({
            "name": organization.name.as_str(),
            "slug": slug,
            "region": organization.region.id(),
            "first_team": team.to_string(),
        }),
    };
    store::record(tx, activity, now).await?;
    Ok(id)
}

/// The caller's accounts, personal first, each with the caller's role.
#[utoipa::path(get, path = "/api/accounts", tag = "accounts",
    params(("limit" = Option<u32>, Query, description = "1 to 200, default 50"), ("cursor" = Option<String>, Query, description = "From `next_cursor`")),
    responses(
        (status = 200, description = "My accounts", body = Page<AccountView>),
        Unauthenticated,
        (status = 422, description = "`validation` (limit out of range)", body = Problem, content_type = "application/problem+json")))]
pub async fn list_accounts(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiQuery(params): ApiQuery<PageParams>,
) -> ApiResult<Json<Page<AccountView>>> {
    let user = &caller.user;
    let paging = params.parse()?;
    let accounts = state.store.accounts_of(user.id).await?;
    let views = accounts.iter().map(AccountRow::view).collect();
    Ok(Json(page_in_memory(views, &paging)?))
}

/// Creates an organization; the caller becomes its Owner. It starts suspended
/// with no credit until funds are added.
#[utoipa::path(post, path = "/api/accounts", tag = "accounts", request_body = NewOrganizationRequest, responses(
    (status = 201, description = "Created", body = AccountView),
    Unauthenticated,
    (status = 409, description = "`org_limit_reached`", body = Problem, content_type = "application/problem+json"),
    Invalid))]
pub async fn create_account(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiJson(request): ApiJson<NewOrganizationRequest>,
) -> ApiResult<Response> {
    let user = &caller.user;
    let organization = request.validate("").map_err(ApiError::Invalid)?;
    let now = now();
    let mut tx = state.store.begin_write().await?;
    let id = create_organization(&mut tx, &state, user.id, &organization, now).await?;
    tx.commit().await?;
    let account = state
        .store
        .account_for(id, user.id)
        .await?
        .ok_or_else(|| ApiError::Internal("created organization vanished".into()))?;
    Ok(created(format!("/api/accounts/{id}"), account.view()))
}

/// One account, as the caller sees it. Non-members get 404.
#[utoipa::path(get, path = "/api/accounts/{id}", tag = "accounts",
    params(("id" = AccountId, Path, description = "Account id")),
    responses(
        (status = 200, description = "The account", body = AccountView),
        Unauthenticated,
        (status = 404, description = "`not_found`, also for non-members", body = Problem, content_type = "application/problem+json")))]
pub async fn get_account(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<AccountId>,
) -> ApiResult<Json<AccountView>> {
    let user = &caller.user;
    let account = state.store.member_account(id, user.id).await?;
    decide(account.kind, account.role, Permission::ViewOrganization)?;
    Ok(Json(account.view()))
}

/// Edits the name and billing address (Owners and Admins). The region never
/// changes: sending another region is `region_immutable`.
#[utoipa::path(patch, path = "/api/accounts/{id}", tag = "accounts", request_body = UpdateAccountRequest,
    params(("id" = AccountId, Path, description = "Account id")),
    responses(
        (status = 200, description = "The updated account", body = AccountView),
        Unauthenticated,
        Forbidden,
        NotFound,
        (status = 422, description = "`validation` or `region_immutable`", body = Problem, content_type = "application/problem+json")))]
pub async fn update_account(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<AccountId>,
    ApiJson(request): ApiJson<UpdateAccountRequest>,
) -> ApiResult<Json<AccountView>> {
    let user = &caller.user;
    let now = now();
    let mut tx = state.store.begin_write().await?;
    let account = db::locked_member_account(&mut tx, id, user.id).await?;
    decide(account.kind, account.role, Permission::EditOrganization)?;
    if let Some(region) = request.region.as_deref() {
        if account.region.map(|r| r.id()) != Some(region.trim()) {
            let detail = match account.region {
                Some(current) => format!(
                    "An organization's region is chosen once, at creation; this one stays in {}.",
                    current.label()
                ),
                None => "A personal account has no region.".to_owned(),
            };
            return Err(ApiError::denied(ErrorCode::RegionImmutable, detail));
        }
    }
    let update = request.validate().map_err(ApiError::Invalid)?;
    let mut changes = serde_json::Map::new();
    if let Some(name) = update.name.filter(|n| n.as_str() != account.name) {
        db::update_account_name(&mut tx, id, name.as_str()).await?;
        changes.insert(
            "name".into(),
            json!({ "from": account.name, "to": name.as_str() }),
        );
    }
    if let Some(address) = update
        .billing_address
        .filter(|a| Some(a) != account.billing_address.as_ref())
    {
        db::update_billing_address(&mut tx, id, &address).await?;
        let from = account
            .billing_address
            .as_ref()
            .map(BillingAddressInput::from);
        changes.insert(
            "billing_address".into(),
            json!({ "from": from, "to": BillingAddressInput::from(&address) }),
        );
    }
    if !changes.is_empty() {
        let activity = Activity {
            account_id: id,
            actor: caller.actor(),
            event: "org.updated",
            target_type: account.kind.id(),
            target_id: id.to_string(),
            payload: serde_json::Value::Object(changes),
        };
        store::record(&mut tx, activity, now).await?;
    }
    let updated = db::locked_account_for(&mut tx, id, user.id)
        .await?
        .ok_or_else(|| ApiError::Internal("updated account vanished".into()))?;
    tx.commit().await?;
    Ok(Json(updated.view()))
}

/// Deletes an organization with its members, invitations and teams (Owners).
#[utoipa::path(delete, path = "/api/accounts/{id}", tag = "accounts",
    params(("id" = AccountId, Path, description = "Account id")),
    responses(
        (status = 204, description = "Deleted"),
        Unauthenticated,
        (status = 403, description = "`forbidden` (not an Owner, or a personal account)", body = Problem, content_type = "application/problem+json"),
        NotFound))]
pub async fn delete_account(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<AccountId>,
) -> ApiResult<StatusCode> {
    let user = &caller.user;
    let now = now();
    let mut tx = state.store.begin_write().await?;
    let account = db::locked_member_account(&mut tx, id, user.id).await?;
    decide(account.kind, account.role, Permission::TransferOrDelete)?;
    db::delete_account(&mut tx, id).await?;
    let activity = Activity {
        account_id: id,
        actor: caller.actor(),
        event: "org.deleted",
        target_type: "organization",
        target_id: id.to_string(),
        payload: json!({ "name": account.name, "slug": account.slug }),
    };
    store::record(&mut tx, activity, now).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Leaves an organization. The last member must delete it instead
/// (`last_member`); the last Owner must hand ownership on first (`last_owner`).
#[utoipa::path(post, path = "/api/accounts/{id}/leave", tag = "accounts",
    params(("id" = AccountId, Path, description = "Account id")),
    responses(
        (status = 204, description = "Left"),
        Unauthenticated,
        (status = 403, description = "`forbidden` (a personal account)", body = Problem, content_type = "application/problem+json"),
        NotFound,
        (status = 409, description = "`last_owner` or `last_member`", body = Problem, content_type = "application/problem+json")))]
pub async fn leave_account(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<AccountId>,
) -> ApiResult<StatusCode> {
    let user = &caller.user;
    let now = now();
    let mut tx = state.store.begin_write().await?;
    let account = db::locked_member_account(&mut tx, id, user.id).await?;
    remove_member_in(
        &mut tx,
        &account,
        user.id,
        account.role,
        &caller.actor(),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Takes `member` (with `role`) out of `account`, inside `tx` whose account lock is
/// held: leaving when `actor` is the member, removal otherwise. Their team places go
/// with the membership.
pub async fn remove_member_in(
    tx: &mut WriteTx,
    account: &AccountRow,
    member: UserId,
    role: OrgRole,
    actor: &Actor,
    now: Timestamp,
) -> ApiResult<()> {
    let headcount = db::headcount(tx, account.id).await?;
    let event = if Some(member) == actor.user {
        check_leave(account.kind, role, headcount)?;
        "member.left"
    } else {
        check_remove(role, headcount)?;
        "member.removed"
    };
    db::delete_membership(tx, account.id, member).await?;
    // Their keys here stop working with the membership (and work again if they rejoin).
    let keys = store::api_keys::count_keys_of(tx, account.id, member).await?;
    let activity = Activity {
        account_id: account.id,
        actor: actor.clone(),
        event,
        target_type: "user",
        target_id: member.to_string(),
        payload: json!({ "role": role.id(), "api_keys_deactivated": keys }),
    };
    store::record(tx, activity, now).await
}
