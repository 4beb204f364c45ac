//! Accounts: list, create organization, view, edit, delete, leave.

use super::extract::{ApiJson, ApiPath, ApiQuery, AuthUser};
use super::pagination::{page_in_memory, PageParams};
use super::responses::{created, Forbidden, Invalid, NotFound, Unauthenticated};
use super::state::AppState;
use crate::clock;
use crate::error::{ApiError, ApiResult};
use crate::operations::organizations::create_organization;
use crate::operations::{memberships, AccountTx, Change};
use crate::store::accounts as accounts_db;
use crate::store::hierarchy::children_count;
use crate::store::{AccountRow, Target};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::activity::Event;
use domain::api::{AccountUpdate, AccountView, NewOrganizationRequest, Page, UpdateAccountRequest};
use domain::hierarchy::check_delete;
use domain::text::BillingAddressInput;
use domain::two_factor::may_set_policy;
use domain::{AccountId, ErrorCode, Permission, Problem};
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
    let paging = params.parse()?;
    let accounts = state.store.accounts_of(caller.user.id).await?;
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
    let organization = request.validate("").map_err(ApiError::Invalid)?;
    let now = clock::now();
    let limits = state.config.limits();
    let user = caller.user.id;
    let mut tx = state.store.begin_write().await?;
    let (id, change) = create_organization(&mut tx, limits, user, &organization, None, now).await?;
    let account = accounts_db::locked_member_account(&mut tx, id, user).await?;
    tx.commit(change.entry(id, caller.actor(), now)).await?;
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
    let account = caller.member_account(&state, id).await?;
    account.decide(Permission::ViewOrganization)?;
    Ok(Json(account.view()))
}

/// Edits the name and billing address (Owners and Admins). The region never
/// changes: sending another region is `region_immutable`. Owners with
/// two-factor on may require it of every member (`require_two_factor`).
#[utoipa::path(patch, path = "/api/accounts/{id}", tag = "accounts", request_body = UpdateAccountRequest,
    params(("id" = AccountId, Path, description = "Account id")),
    responses(
        (status = 200, description = "The updated account", body = AccountView),
        Unauthenticated,
        Forbidden,
        NotFound,
        (status = 409, description = "`two_factor_required`: requiring two-factor needs the Owner's own first", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation` or `region_immutable`", body = Problem, content_type = "application/problem+json")))]
pub async fn update_account(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<AccountId>,
    ApiJson(request): ApiJson<UpdateAccountRequest>,
) -> ApiResult<Json<AccountView>> {
    let mut tx = AccountTx::open_member(&state.store, caller.actor(), id).await?;
    let policy_only = request.require_two_factor.is_some()
        && request.name.is_none()
        && request.billing_address.is_none()
        && request.region.is_none();
    if !policy_only {
        tx.decide(Permission::EditOrganization)?;
    }
    let account = tx.account().clone();
    check_region_unchanged(&account, request.region.as_deref())?;
    let update = request.validate().map_err(ApiError::Invalid)?;
    if let Some(require) = update.require_two_factor {
        may_set_policy(
            account.kind,
            account.role,
            caller.user.two_factor_on(),
            require,
        )
        .map_err(|denial| match denial.code {
            ErrorCode::TwoFactorRequired => ApiError::with_status(denial, 409),
            _ => denial.into(),
        })?;
    }
    let changes = save_update(&mut tx, &account, update).await?;
    let updated = tx.reread().await?;
    if !changes.is_empty() {
        let event = match changes.contains_key("require_two_factor") {
            true => Event::OrgTwoFactorPolicyChanged,
            false => Event::OrgUpdated,
        };
        let target = Target::Account(account.kind, id);
        let payload = serde_json::Value::Object(changes);
        tx.commit(Change::new(event, target, payload)).await?;
    }
    Ok(Json(updated.view()))
}

/// Refuses a region other than the account's (`region_immutable`).
fn check_region_unchanged(account: &AccountRow, region: Option<&str>) -> ApiResult<()> {
    let Some(region) = region else { return Ok(()) };
    if account.region.map(|r| r.id()) == Some(region.trim()) {
        return Ok(());
    }
    let detail = match account.region {
        Some(current) => format!(
            "An organization's region is chosen once, at creation; this one stays in {}.",
            current.label()
        ),
        None => "A personal account has no region.".to_owned(),
    };
    Err(ApiError::denied(ErrorCode::RegionImmutable, detail))
}

/// Writes what `update` changes and returns it as `{field: {from, to}}`.
async fn save_update(
    tx: &mut AccountTx,
    account: &AccountRow,
    update: AccountUpdate,
) -> ApiResult<serde_json::Map<String, serde_json::Value>> {
    let mut changes = serde_json::Map::new();
    if let Some(name) = update.name.filter(|n| n.as_str() != account.name) {
        accounts_db::update_account_name(tx.tx(), account.id, name.as_str()).await?;
        let change = json!({ "from": account.name, "to": name.as_str() });
        changes.insert("name".into(), change);
    }
    let new_address = update
        .billing_address
        .filter(|a| Some(a) != account.billing_address.as_ref());
    if let Some(address) = new_address {
        accounts_db::update_billing_address(tx.tx(), account.id, &address).await?;
        let from = account
            .billing_address
            .as_ref()
            .map(BillingAddressInput::from);
        let change = json!({ "from": from, "to": BillingAddressInput::from(&address) });
        changes.insert("billing_address".into(), change);
    }
    let policy = update
        .require_two_factor
        .filter(|require| *require != account.requires_two_factor());
    if let Some(require) = policy {
        let since = require.then_some(tx.now());
        accounts_db::set_two_factor_required(tx.tx(), account.id, since).await?;
        let change = json!({ "from": !require, "to": require });
        changes.insert("require_two_factor".into(), change);
    }
    Ok(changes)
}

/// Deletes an organization with its members, invitations and teams (Owners).
#[utoipa::path(delete, path = "/api/accounts/{id}", tag = "accounts",
    params(("id" = AccountId, Path, description = "Account id")),
    responses(
        (status = 204, description = "Deleted"),
        Unauthenticated,
        (status = 403, description = "`forbidden` (not an Owner, or a personal account)", body = Problem, content_type = "application/problem+json"),
        NotFound,
        (status = 409, description = "`has_children`: unlink or delete the child organizations first", body = Problem, content_type = "application/problem+json")))]
pub async fn delete_account(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<AccountId>,
) -> ApiResult<StatusCode> {
    let mut tx = AccountTx::open(
        &state.store,
        caller.actor(),
        id,
        Permission::TransferOrDelete,
    )
    .await?;
    let account = tx.account().clone();
    check_delete(children_count(tx.tx(), id).await?)?;
    accounts_db::delete_account(tx.tx(), id).await?;
    let payload = json!({ "name": account.name, "slug": account.slug });
    tx.commit(Change::new(
        Event::OrgDeleted,
        Target::Account(account.kind, id),
        payload,
    ))
    .await?;
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
    let mut tx = AccountTx::open_member(&state.store, caller.actor(), id).await?;
    if let Some(ancestor) = &tx.account().inherited_from {
        // Inherited access (SPEC §17) is not a membership to leave.
        return Err(ApiError::denied(
            ErrorCode::Forbidden,
            format!(
                "You are not a member here: your access is inherited from {}. Leave {} instead.",
                ancestor.name, ancestor.name
            ),
        ));
    }
    let change = memberships::remove_member(&mut tx, caller.user.id).await?;
    tx.commit(change).await?;
    Ok(StatusCode::NO_CONTENT)
}
