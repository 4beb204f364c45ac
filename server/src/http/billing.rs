//! Billing: status, credit and seats; adding funds through the payment provider.

use super::extract::{ApiJson, ApiPath, AuthUser};
use super::openapi::problems::{Forbidden, Invalid, NotFound, Unauthenticated};
use super::{now, AppState};
use crate::error::{ApiError, ApiResult};
use crate::store::accounts as db;
use crate::store::{self, AccountRow, Activity};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::api::{BillingView, FundsRequest};
use domain::billing::after_funds;
use domain::roles::decide;
use domain::{AccountId, FieldError, Permission};
use serde_json::json;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/accounts/{id}/billing", get(get_billing))
        .route("/accounts/{id}/funds", post(add_funds))
}

async fn billing_view(state: &AppState, account: AccountRow) -> ApiResult<BillingView> {
    let (members, pending) = state.store.seats(account.id, now()).await?;
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
    let user = &caller.user;
    let account = state.store.member_account(id, user.id).await?;
    decide(account.kind, account.role, Permission::ManageBilling)?;
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
        Invalid))]
pub async fn add_funds(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<AccountId>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<FundsRequest>,
) -> ApiResult<Json<BillingView>> {
    let user = &caller.user;
    let now = now();
    let key = idempotency_key(&headers)?;
    let mut tx = state.store.begin_write().await?;
    let account = db::locked_member_account(&mut tx, id, user.id).await?;
    decide(account.kind, account.role, Permission::ManageBilling)?;
    if let Some(key) = &key {
        if let Some(amount) = db::payment_amount(&mut tx, id, key).await? {
            if amount != request.amount_cents {
                return Err(ApiError::Invalid(vec![FieldError::new(
                    "Idempotency-Key",
                    format!("was already used for a payment of {amount} cents; use a new key for a new payment"),
                )]));
            }
            tx.commit().await?;
            return Ok(Json(billing_view(&state, account).await?));
        }
    }
    let (credit, status) =
        after_funds(account.credit_cents, request.amount_cents).map_err(ApiError::Invalid)?;
    let charge = state
        .payments
        .charge(id, request.amount_cents, key.as_deref())
        .await
        .map_err(|e| ApiError::Internal(format!("payment provider: {e}")))?;
    db::record_payment(
        &mut tx,
        db::Payment {
            account: id,
            amount_cents: request.amount_cents,
            idempotency_key: key.as_deref(),
            reference: &charge.reference,
            paid_by: user.id,
        },
        credit,
        status,
        now,
    )
    .await?;
    let activity = Activity {
        account_id: id,
        actor: caller.actor(),
        event: "funds.added",
        target_type: account.kind.id(),
        target_id: id.to_string(),
        payload: json!({
            "amount_cents": request.amount_cents,
            "credit_cents": credit,
            "status": { "from": account.status, "to": status },
            "reference": charge.reference,
        }),
    };
    store::record(&mut tx, activity, now).await?;
    let updated = db::locked_member_account(&mut tx, id, user.id).await?;
    tx.commit().await?;
    Ok(Json(billing_view(&state, updated).await?))
}
