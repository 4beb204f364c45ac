//! Billing: status, credit and seats; adding funds through the payment
//! provider; changing the plan.

use super::extract::{ApiJson, ApiPath, AuthUser};
use super::responses::{Forbidden, Invalid, NotFound, Unauthenticated};
use super::state::AppState;
use crate::clock;
use crate::error::{ApiError, ApiResult};
use crate::operations::{AccountTx, Change};
use crate::store::billing::{self as billing_db, Payment};
use crate::store::invitations::{count_pending, expire_due};
use crate::store::{AccountRow, Target};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use domain::activity::Event;
use domain::api::{parse_plan, AccountView, BillingView, ChangePlanRequest, FundsRequest};
use domain::billing::after_funds;
use domain::hierarchy::check_own_billing;
use domain::rules::check_plan_change;
use domain::{AccountId, FieldError, Permission, Problem};
use serde_json::json;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/accounts/{id}/billing", get(get_billing))
        .route("/accounts/{id}/funds", post(add_funds))
        .route("/accounts/{id}/plan", put(change_plan))
}

async fn billing_view(state: &AppState, account: AccountRow) -> ApiResult<BillingView> {
    let (members, pending) = state.store.seats(account.id, clock::now()).await?;
    Ok(BillingView {
        status: account.status,
        credit_cents: account.credit_cents,
        plan: account.plan,
        max_members: account.plan.max_members(),
        members,
        pending_invitations: pending,
        billing_address: account.billing_address,
    })
}

/// Status, credit, plan and seats (Owners and Admins).
#[utoipa::path(get, path = "/api/accounts/{id}/billing", tag = "billing",
    params(("id" = AccountId, Path, description = "Account id")),
    responses(
        (status = 200, description = "Billing and seats", body = BillingView),
        Unauthenticated,
        Forbidden,
        NotFound))]
pub async fn get_billing(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<AccountId>,
) -> ApiResult<Json<BillingView>> {
    let account = caller.member_account(&state, id).await?;
    account.decide(Permission::ManageBilling)?;
    Ok(Json(billing_view(&state, account).await?))
}

/// The `Idempotency-Key` header, if sent: 1–200 visible ASCII characters.
fn idempotency_key(headers: &HeaderMap) -> ApiResult<Option<String>> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    match value.to_str() {
        Ok(key) if !key.is_empty() && key.len() <= 200 => Ok(Some(key.to_owned())),
        _ => Err(ApiError::Invalid(vec![FieldError::new(
            "Idempotency-Key",
            "must be 1 to 200 visible ASCII characters",
        )])),
    }
}

/// Adds funds through the payment provider (Owners and Admins). Credit above zero
/// makes the account `active`. A request repeated with the same `Idempotency-Key`
/// charges once and answers like the first.
#[utoipa::path(post, path = "/api/accounts/{id}/funds", tag = "billing", request_body = FundsRequest,
    params(("id" = AccountId, Path, description = "Account id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried payment charge once")),
    responses(
        (status = 200, description = "Billing after the payment", body = BillingView),
        Unauthenticated,
        Forbidden,
        NotFound,
        (status = 409, description = "`billed_by_parent`: add funds to the parent", body = Problem, content_type = "application/problem+json"),
        Invalid))]
pub async fn add_funds(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<AccountId>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<FundsRequest>,
) -> ApiResult<Json<BillingView>> {
    let key = idempotency_key(&headers)?;
    let mut tx =
        AccountTx::open(&state.store, caller.actor(), id, Permission::ManageBilling).await?;
    if let Some(parent) = &tx.account().parent {
        check_own_billing(tx.account().billing_mode, &parent.name)?;
    }
    let amount = request.amount_cents;
    if let Some(key) = &key {
        if let Some(paid) = billing_db::payment_amount(tx.tx(), id, key).await? {
            if paid != amount {
                let message = format!("was already used for a payment of {paid} cents; use a new key for a new payment");
                return Err(ApiError::Invalid(vec![FieldError::new(
                    "Idempotency-Key",
                    message,
                )]));
            }
            // The same payment again: nothing changes, the first answer repeats.
            let account = tx.account().clone();
            tx.unchanged();
            return Ok(Json(billing_view(&state, account).await?));
        }
    }
    let account = tx.account().clone();
    let (credit, status) = after_funds(account.credit_cents, amount).map_err(ApiError::Invalid)?;
    let charge = state
        .payments
        .charge(id, amount, key.as_deref())
        .await
        .map_err(|e| ApiError::Internal(format!("payment provider: {e}")))?;
    let payment = Payment {
        account: id,
        amount_cents: amount,
        idempotency_key: key.as_deref(),
        reference: &charge.reference,
        paid_by: caller.user.id,
    };
    let now = tx.now();
    billing_db::record_payment(tx.tx(), payment, credit, status, now).await?;
    let updated = tx.reread().await?;
    let payload = json!({
        "amount_cents": amount,
        "credit_cents": credit,
        "status": { "from": account.status, "to": status },
        "reference": charge.reference,
    });
    tx.commit(Change::new(
        Event::FundsAdded,
        Target::Account(account.kind, id),
        payload,
    ))
    .await?;
    Ok(Json(billing_view(&state, updated).await?))
}

/// Changes the plan (Owners and Admins); the new plan must hold the members and
/// pending invitations (`plan_too_small`).
#[utoipa::path(put, path = "/api/accounts/{id}/plan", tag = "billing", request_body = ChangePlanRequest,
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
    let mut tx =
        AccountTx::open(&state.store, caller.actor(), id, Permission::ManageBilling).await?;
    let plan = parse_plan(&request.plan).map_err(ApiError::Invalid)?;
    let account = tx.account().clone();
    if plan == account.plan {
        return Ok(Json(account.view()));
    }
    let now = tx.now();
    expire_due(tx.tx(), id, now).await?;
    let members = account.member_count();
    check_plan_change(plan, members, count_pending(tx.tx(), id).await?)?;
    billing_db::set_plan(tx.tx(), id, plan).await?;
    let updated = tx.reread().await?;
    let payload = json!({ "from": account.plan.id(), "to": plan.id() });
    tx.commit(Change::new(
        Event::PlanChanged,
        Target::Account(account.kind, id),
        payload,
    ))
    .await?;
    Ok(Json(updated.view()))
}
