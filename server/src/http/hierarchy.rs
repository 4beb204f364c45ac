//! Organization hierarchy (SPEC §17): child organizations, links and link
//! requests, the billing mode, and the roll-up (children, report).
//!
//! Every change to the tree takes the hierarchy's lock first
//! (`store::hierarchy::lock_hierarchy`), then reads the facts and lets
//! `domain::hierarchy` decide, so racing links never close a cycle.

use super::extract::{ApiJson, ApiPath, ApiQuery, AuthUser};
use super::pagination::{page_of, PageParams};
use super::responses::{created, Forbidden, Invalid, NotFound, Unauthenticated};
use super::state::AppState;
use crate::clock;
use crate::error::{ApiError, ApiResult};
use crate::mail::templates;
use crate::operations::organizations::create_organization;
use crate::operations::{AccountTx, Change};
use crate::store::accounts::{account_in, locked_account_for};
use crate::store::hierarchy::{self as hierarchy_db, ChildCursor};
use crate::store::{AccountRow, Actor, Target, WriteTx};
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use domain::activity::Event;
use domain::api::{
    report_csv_header, report_csv_row, report_csv_totals, AccountView, BillingModeRequest,
    ChildView, HierarchyReport, LinkOutcome, LinkRequestBody, LinkRequestStatus, LinkRequestView,
    NewChildRequest, Page,
};
use domain::hierarchy::{
    check_billing_mode, check_create_child, check_link, BillingMode, Placement,
};
use domain::text::BillingAddressInput;
use domain::{AccountId, AccountKind, ErrorCode, FieldError, Permission, Problem, Timestamp};
use serde::Deserialize;
use serde_json::json;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/accounts/{id}/children",
            get(list_children).post(create_child),
        )
        .route("/accounts/{id}/report", get(report))
        .route("/accounts/{id}/links", post(link))
        .route("/accounts/{id}/links/{child_id}", delete(unlink))
        .route("/accounts/{id}/link-requests", get(list_link_requests))
        .route(
            "/accounts/{id}/link-requests/{request_id}/accept",
            post(accept_link_request),
        )
        .route(
            "/accounts/{id}/link-requests/{request_id}/decline",
            post(decline_link_request),
        )
        .route("/accounts/{id}/billing-mode", put(change_billing_mode))
}

fn target(id: AccountId) -> Target {
    Target::Account(AccountKind::Organization, id)
}

/// Writes `change` in the log of `account`, another account than the
/// transaction's own (a link is recorded on both sides).
async fn record_in(
    tx: &mut WriteTx,
    account: AccountId,
    actor: Actor,
    now: Timestamp,
    change: Change,
) -> ApiResult<()> {
    tx.record(change.entry(account, actor, now)).await
}

/// Commits `change` in the transaction's account and records it in `other`'s
/// log too: a link, its request and its answer belong to both sides.
async fn commit_on_both_sides(
    mut tx: AccountTx,
    other: AccountId,
    change: Change,
) -> ApiResult<()> {
    let (actor, now) = (tx.actor().clone(), tx.now());
    record_in(tx.tx(), other, actor, now, change.clone()).await?;
    tx.commit(change).await
}

/// Checks through `domain` that `child` may go under `parent` now, from what
/// the hierarchy's lock lets this transaction read.
async fn check_link_under(
    tx: &mut WriteTx,
    parent: AccountId,
    parent_kind: AccountKind,
    child: AccountId,
) -> ApiResult<()> {
    let linked = hierarchy_db::linked_organization(tx, child)
        .await?
        .ok_or(ApiError::NotFound("organization"))?;
    let ancestors = hierarchy_db::ancestors(tx, parent).await?;
    let placement = Placement {
        parent,
        parent_kind,
        parent_ancestors: &ancestors,
    };
    Ok(check_link(&placement, &linked)?)
}

/// Answers a pending request `request` received by the transaction's account:
/// records the answer and logs `event` on both sides.
async fn finish_answer(
    mut tx: AccountTx,
    request: LinkRequestView,
    status: LinkRequestStatus,
    event: Event,
) -> ApiResult<Json<LinkRequestView>> {
    let now = tx.now();
    hierarchy_db::answer_link_request(tx.tx(), &request.id, status, now).await?;
    let (parent, child) = (request.parent.id, request.child.id);
    let payload = json!({ "request_id": request.id, "parent_id": parent, "child_id": child, "parent": request.parent.name });
    commit_on_both_sides(tx, parent, Change::new(event, target(child), payload)).await?;
    Ok(Json(LinkRequestView { status, ..request }))
}

/// Creates a child organization (Owners of the parent). Its creator is its
/// Owner; `billing: "parent"` bills it to the parent.
#[utoipa::path(post, path = "/api/accounts/{id}/children", tag = "hierarchy", request_body = NewChildRequest,
    params(("id" = AccountId, Path, description = "The parent organization")),
    responses(
        (status = 201, description = "The child, as its creator sees it", body = AccountView),
        Unauthenticated,
        Forbidden,
        NotFound,
        (status = 409, description = "`hierarchy_invalid`: a fourth level, or a personal account", body = Problem, content_type = "application/problem+json"),
        Invalid))]
pub async fn create_child(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<AccountId>,
    ApiJson(request): ApiJson<NewChildRequest>,
) -> ApiResult<Response> {
    let mut tx = AccountTx::open_in_hierarchy(
        &state.store,
        caller.actor(),
        id,
        Permission::ManageHierarchy,
    )
    .await?;
    let parent = tx.account().clone();
    let parent_address = parent
        .billing_address
        .as_ref()
        .map(BillingAddressInput::from);
    let child = request
        .validate(parent_address.as_ref())
        .map_err(ApiError::Invalid)?;
    let ancestors = hierarchy_db::ancestors(tx.tx(), id).await?;
    check_create_child(&Placement {
        parent: id,
        parent_kind: parent.kind,
        parent_ancestors: &ancestors,
    })?;
    let (now, actor, user) = (tx.now(), tx.actor().clone(), caller.user.id);
    let limits = state.config.limits();
    let under = Some((id, child.billing));
    let (child_id, created_change) =
        create_organization(tx.tx(), limits, user, &child.organization, under, now).await?;
    record_in(tx.tx(), child_id, actor, now, created_change).await?;
    let view = locked_account_for(tx.tx(), child_id, user)
        .await?
        .ok_or_else(|| ApiError::Internal("the new child vanished".into()))?
        .view();
    let payload = json!({
        "child_id": child_id,
        "name": child.organization.name.as_str(),
        "billing": child.billing,
    });
    tx.commit(Change::new(
        Event::OrgChildCreated,
        target(child_id),
        payload,
    ))
    .await?;
    Ok(created(format!("/api/accounts/{child_id}"), view))
}

/// `?limit=&cursor=` and, for the report, `format=json|csv`.
#[derive(Debug, Default, Deserialize)]
pub struct RollUpQuery {
    pub limit: Option<String>,
    pub cursor: Option<String>,
    pub format: Option<String>,
}

impl RollUpQuery {
    fn paging(&self) -> ApiResult<(Option<ChildCursor>, usize)> {
        let paging = PageParams {
            limit: self.limit.clone(),
            cursor: self.cursor.clone(),
        }
        .parse()?;
        let after = paging
            .cursor
            .as_deref()
            .map(|text| ChildCursor::decode(text).ok_or_else(PageParams::bad_cursor))
            .transpose()?;
        Ok((after, paging.limit))
    }
}

/// The organization as the caller sees it, for a roll-up (Owners and Admins).
async fn roll_up_account(
    state: &AppState,
    caller: &AuthUser,
    id: AccountId,
) -> ApiResult<AccountRow> {
    let account = caller.member_account(state, id).await?;
    account.decide(Permission::ViewDescendants)?;
    Ok(account)
}

/// The organization's children in the order they were created, each with its
/// members, instances, status and billing mode (Owners and Admins).
#[utoipa::path(get, path = "/api/accounts/{id}/children", tag = "hierarchy",
    params(("id" = AccountId, Path, description = "The parent organization"),
        ("limit" = Option<u32>, Query, description = "1 to 200, default 50"),
        ("cursor" = Option<String>, Query, description = "From `next_cursor`")),
    responses(
        (status = 200, description = "A page of children", body = Page<ChildView>),
        Unauthenticated,
        Forbidden,
        NotFound,
        Invalid))]
pub async fn list_children(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<AccountId>,
    ApiQuery(query): ApiQuery<RollUpQuery>,
) -> ApiResult<Json<Page<ChildView>>> {
    let account = roll_up_account(&state, &caller, id).await?;
    let (after, limit) = query.paging()?;
    let page = state
        .store
        .descendants(id, account.status, false, after.as_ref(), limit)
        .await?;
    Ok(Json(page_of((page.0, page.1.map(|c| c.encode())))))
}

/// Every descendant (children and their children) with totals, as JSON pages
/// or as one CSV file ending with a totals row (Owners and Admins).
#[utoipa::path(get, path = "/api/accounts/{id}/report", tag = "hierarchy",
    params(("id" = AccountId, Path, description = "The parent organization"),
        ("format" = Option<String>, Query, description = "`json` (default) or `csv`"),
        ("limit" = Option<u32>, Query, description = "1 to 200, default 50 (JSON)"),
        ("cursor" = Option<String>, Query, description = "From `next_cursor` (JSON)")),
    responses(
        (status = 200, description = "The report", content(
            (HierarchyReport = "application/json"),
            (String = "text/csv"))),
        Unauthenticated,
        Forbidden,
        NotFound,
        Invalid))]
pub async fn report(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<AccountId>,
    ApiQuery(query): ApiQuery<RollUpQuery>,
) -> ApiResult<Response> {
    let account = roll_up_account(&state, &caller, id).await?;
    let csv = match query.format.as_deref().map(str::trim) {
        None | Some("") | Some("json") => false,
        Some("csv") => true,
        Some(_) => {
            return Err(ApiError::Invalid(vec![FieldError::new(
                "format",
                "must be json or csv",
            )]))
        }
    };
    let totals = state.store.descendant_totals(id, account.status).await?;
    if !csv {
        let (after, limit) = query.paging()?;
        let (items, next) = state
            .store
            .descendants(id, account.status, true, after.as_ref(), limit)
            .await?;
        let report = HierarchyReport {
            items,
            totals,
            next_cursor: next.map(|c| c.encode()),
        };
        return Ok(Json(report).into_response());
    }
    // The whole report, read a keyset page at a time.
    let mut body = report_csv_header();
    let mut after = None;
    loop {
        let (items, next) = state
            .store
            .descendants(id, account.status, true, after.as_ref(), 200)
            .await?;
        for row in &items {
            body.push_str(&report_csv_row(row));
        }
        match next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    body.push_str(&report_csv_totals(&totals));
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    let file = format!(
        "attachment; filename=\"{}-report.csv\"",
        account.slug.as_deref().unwrap_or("organization")
    );
    if let Ok(value) = HeaderValue::from_str(&file) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// Links an existing organization under this one (Owners of this one): at
/// once when the caller also owns the child, otherwise as a request its
/// Owners accept or decline (mailed to them).
#[utoipa::path(post, path = "/api/accounts/{id}/links", tag = "hierarchy", request_body = LinkRequestBody,
    params(("id" = AccountId, Path, description = "The parent organization")),
    responses(
        (status = 200, description = "Linked (`linked: true`)", body = LinkOutcome),
        (status = 202, description = "Asked the child's Owners (`request`)", body = LinkOutcome),
        Unauthenticated,
        Forbidden,
        (status = 404, description = "`not_found`: no such parent (for the caller) or child", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`hierarchy_invalid`: a cycle, a fourth level, a second parent, a personal account, or a request pending already", body = Problem, content_type = "application/problem+json"),
        Invalid))]
pub async fn link(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<AccountId>,
    ApiJson(request): ApiJson<LinkRequestBody>,
) -> ApiResult<Response> {
    let child_id = request.validate().map_err(ApiError::Invalid)?;
    let mut tx = AccountTx::open_in_hierarchy(
        &state.store,
        caller.actor(),
        id,
        Permission::ManageHierarchy,
    )
    .await?;
    let parent = tx.account().clone();
    check_link_under(tx.tx(), id, parent.kind, child_id).await?;
    let now = tx.now();
    let as_caller = locked_account_for(tx.tx(), child_id, caller.user.id).await?;
    let owns_child = as_caller
        .as_ref()
        .is_some_and(|c| c.decide(Permission::ManageHierarchy).is_ok());
    if owns_child {
        hierarchy_db::set_parent(tx.tx(), child_id, Some(id), BillingMode::Own).await?;
        let payload = json!({ "parent_id": id, "child_id": child_id, "parent": parent.name });
        let change = Change::new(Event::OrgLinked, target(child_id), payload);
        commit_on_both_sides(tx, child_id, change).await?;
        let outcome = LinkOutcome {
            linked: true,
            request: None,
        };
        return Ok((StatusCode::OK, Json(outcome)).into_response());
    }
    let by = (caller.user.id, caller.user.email.as_str());
    let Some(pending) = hierarchy_db::insert_link_request(tx.tx(), id, child_id, by, now).await?
    else {
        return Err(ApiError::with_status(
            domain::Denial::new(
                ErrorCode::HierarchyInvalid,
                "A request to link that organization here is pending already; its Owners have been asked.",
            ),
            409,
        ));
    };
    let owners = hierarchy_db::owner_emails(tx.tx(), child_id).await?;
    let payload = json!({
        "request_id": pending.id,
        "parent_id": id,
        "child_id": child_id,
        "parent": parent.name,
        "child": pending.child.name,
    });
    let change = Change::new(Event::OrgLinkRequested, target(child_id), payload);
    commit_on_both_sides(tx, child_id, change).await?;
    for owner in owners {
        let mail = templates::link_request(&state.config.base_url(), &owner, &pending);
        state.mail(mail).await;
    }
    let outcome = LinkOutcome {
        linked: false,
        request: Some(pending),
    };
    Ok((StatusCode::ACCEPTED, Json(outcome)).into_response())
}

/// Unlinks a child from this organization (Owners of either side). A child
/// billed to the parent goes back to its own billing.
#[utoipa::path(delete, path = "/api/accounts/{id}/links/{child_id}", tag = "hierarchy",
    params(("id" = AccountId, Path, description = "The parent organization"),
        ("child_id" = AccountId, Path, description = "Its child")),
    responses(
        (status = 204, description = "Unlinked"),
        Unauthenticated,
        Forbidden,
        (status = 404, description = "`not_found`: no such link visible to the caller", body = Problem, content_type = "application/problem+json")))]
pub async fn unlink(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath((id, child_id)): ApiPath<(AccountId, AccountId)>,
) -> ApiResult<StatusCode> {
    let user = caller.user.id;
    let mut tx = state.store.begin_write().await?;
    hierarchy_db::lock_hierarchy(&mut tx).await?;
    let parent = account_in(&mut tx, id, user).await?;
    let child = locked_account_for(&mut tx, child_id, user).await?;
    let linked = child
        .as_ref()
        .and_then(|c| c.parent.as_ref())
        .is_some_and(|p| p.id == id);
    let (Some(child), true) = (child, linked) else {
        return Err(ApiError::NotFound("link"));
    };
    let allowed = [parent.as_ref(), Some(&child)]
        .into_iter()
        .flatten()
        .find_map(|a| a.decide(Permission::ManageHierarchy).ok());
    if allowed.is_none() {
        return Err(ApiError::denied(
            ErrorCode::Forbidden,
            "Only Owners of the parent or of the child can unlink them.",
        ));
    }
    hierarchy_db::set_parent(&mut tx, child_id, None, BillingMode::Own).await?;
    let now = clock::now();
    let payload = json!({
        "parent_id": id,
        "child_id": child_id,
        "parent": child.parent.as_ref().map(|p| p.name.clone()),
        "billing": { "from": child.billing_mode, "to": BillingMode::Own },
    });
    let change = Change::new(Event::OrgUnlinked, target(child_id), payload);
    record_in(&mut tx, child_id, caller.actor(), now, change.clone()).await?;
    tx.commit(change.entry(id, caller.actor(), now)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The link requests this organization sent (as parent) and received (as
/// child), newest first (Owners).
#[utoipa::path(get, path = "/api/accounts/{id}/link-requests", tag = "hierarchy",
    params(("id" = AccountId, Path, description = "Organization id")),
    responses(
        (status = 200, description = "Sent and received requests", body = Vec<LinkRequestView>),
        Unauthenticated,
        Forbidden,
        NotFound))]
pub async fn list_link_requests(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<AccountId>,
) -> ApiResult<Json<Vec<LinkRequestView>>> {
    let account = caller.member_account(&state, id).await?;
    account.decide(Permission::ManageHierarchy)?;
    Ok(Json(state.store.link_requests(id).await?))
}

/// Opens the answer to a pending request received by organization `id`.
async fn open_answer(
    state: &AppState,
    caller: &AuthUser,
    id: AccountId,
    request_id: &str,
) -> ApiResult<(AccountTx, LinkRequestView)> {
    let mut tx = AccountTx::open_in_hierarchy(
        &state.store,
        caller.actor(),
        id,
        Permission::ManageHierarchy,
    )
    .await?;
    let request = hierarchy_db::link_request(tx.tx(), request_id)
        .await?
        .filter(|r| r.child.id == id)
        .ok_or(ApiError::NotFound("link request"))?;
    if request.status != LinkRequestStatus::Pending {
        return Err(ApiError::denied(
            ErrorCode::HierarchyInvalid,
            format!("This request was {} already.", request.status),
        ));
    }
    Ok((tx, request))
}

/// Accepts a link request (Owners of the child): the child goes under the
/// requesting parent, if that is still allowed.
#[utoipa::path(post, path = "/api/accounts/{id}/link-requests/{request_id}/accept", tag = "hierarchy",
    params(("id" = AccountId, Path, description = "The child organization"),
        ("request_id" = String, Path, description = "The request")),
    responses(
        (status = 200, description = "Linked", body = LinkRequestView),
        Unauthenticated,
        Forbidden,
        NotFound,
        (status = 409, description = "`hierarchy_invalid`: answered already, or the link is no longer allowed", body = Problem, content_type = "application/problem+json")))]
pub async fn accept_link_request(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath((id, request_id)): ApiPath<(AccountId, String)>,
) -> ApiResult<Json<LinkRequestView>> {
    let (mut tx, request) = open_answer(&state, &caller, id, &request_id).await?;
    let parent_id = request.parent.id;
    check_link_under(tx.tx(), parent_id, AccountKind::Organization, id).await?;
    hierarchy_db::set_parent(tx.tx(), id, Some(parent_id), BillingMode::Own).await?;
    finish_answer(tx, request, LinkRequestStatus::Accepted, Event::OrgLinked).await
}

/// Declines a link request (Owners of the child).
#[utoipa::path(post, path = "/api/accounts/{id}/link-requests/{request_id}/decline", tag = "hierarchy",
    params(("id" = AccountId, Path, description = "The child organization"),
        ("request_id" = String, Path, description = "The request")),
    responses(
        (status = 200, description = "Declined", body = LinkRequestView),
        Unauthenticated,
        Forbidden,
        NotFound,
        (status = 409, description = "`hierarchy_invalid`: answered already", body = Problem, content_type = "application/problem+json")))]
pub async fn decline_link_request(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath((id, request_id)): ApiPath<(AccountId, String)>,
) -> ApiResult<Json<LinkRequestView>> {
    let (tx, request) = open_answer(&state, &caller, id, &request_id).await?;
    finish_answer(
        tx,
        request,
        LinkRequestStatus::Declined,
        Event::OrgLinkDeclined,
    )
    .await
}

/// Changes who pays for a child (Owners, also through the parent). Billing
/// to the parent moves the child's remaining credit to whoever pays.
#[utoipa::path(put, path = "/api/accounts/{id}/billing-mode", tag = "hierarchy", request_body = BillingModeRequest,
    params(("id" = AccountId, Path, description = "The child organization")),
    responses(
        (status = 200, description = "The organization with its new billing", body = AccountView),
        Unauthenticated,
        Forbidden,
        NotFound,
        (status = 409, description = "`hierarchy_invalid`: billing to a parent without one", body = Problem, content_type = "application/problem+json"),
        Invalid))]
pub async fn change_billing_mode(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<AccountId>,
    ApiJson(request): ApiJson<BillingModeRequest>,
) -> ApiResult<Json<AccountView>> {
    let billing = request.validate().map_err(ApiError::Invalid)?;
    let mut tx = AccountTx::open_in_hierarchy(
        &state.store,
        caller.actor(),
        id,
        Permission::ManageHierarchy,
    )
    .await?;
    let account = tx.account().clone();
    check_billing_mode(account.parent.is_some(), billing)?;
    if account.billing_mode == billing {
        tx.unchanged();
        return Ok(Json(account.view()));
    }
    hierarchy_db::set_billing_mode(tx.tx(), id, billing).await?;
    let mut moved = 0;
    if billing == BillingMode::Parent {
        let ancestors = hierarchy_db::ancestors(tx.tx(), id).await?;
        let payer = hierarchy_db::payer(tx.tx(), &ancestors).await?;
        moved = hierarchy_db::move_credit(tx.tx(), id, payer).await?;
    }
    let updated = tx.reread().await?;
    let payload = json!({
        "billing": { "from": account.billing_mode, "to": billing },
        "status": { "from": account.status, "to": updated.status },
        "credit_moved_cents": moved,
    });
    tx.commit(Change::new(
        Event::OrgBillingModeChanged,
        target(id),
        payload,
    ))
    .await?;
    Ok(Json(updated.view()))
}
