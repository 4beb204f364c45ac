//! Verified domains (SPEC §16): an Owner adds a domain, publishes its TXT
//! record and asks for verification; a verified domain belongs to one
//! organization. Verifying again re-checks the record: a removed record makes
//! the domain pending again.

use super::extract::{ApiJson, ApiPath, AuthUser};
use super::responses::{created, Forbidden, Invalid, NotFound, Unauthenticated};
use super::state::AppState;
use crate::error::{ApiError, ApiResult};
use crate::operations::{AccountTx, Change};
use crate::secrets::random_token;
use crate::store::domains::{
    delete_domain, domain_taken, insert_domain, set_verified, verified_elsewhere, DomainRow,
};
use crate::store::Target;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use domain::activity::Event;
use domain::api::{DomainView, DomainsView, NewDomainRequest};
use domain::sso::{proves, txt_name};
use domain::{AccountId, ErrorCode, FieldError, Permission};
use serde_json::json;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/accounts/{id}/domains", get(list_domains).post(add_domain))
        .route("/accounts/{id}/domains/{domain_id}", delete(remove_domain))
        .route(
            "/accounts/{id}/domains/{domain_id}/verify",
            post(verify_domain),
        )
}

/// The organization's domains (Owners: the records are theirs to publish).
#[utoipa::path(get, path = "/api/accounts/{id}/domains", tag = "domains",
    params(("id" = AccountId, Path, description = "Account id")),
    responses((status = 200, description = "In the order added", body = DomainsView), Unauthenticated, Forbidden, NotFound))]
pub async fn list_domains(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<AccountId>,
) -> ApiResult<Json<DomainsView>> {
    caller
        .member_account(&state, id)
        .await?
        .decide(Permission::ManageSecurity)?;
    let rows = state.store.domains_of(id).await?;
    Ok(Json(DomainsView {
        items: rows.iter().map(DomainRow::view).collect(),
    }))
}

/// Adds a domain, pending until its TXT record is found.
#[utoipa::path(post, path = "/api/accounts/{id}/domains", tag = "domains", request_body = NewDomainRequest,
    params(("id" = AccountId, Path, description = "Account id")),
    responses(
        (status = 201, description = "Added; publish `txt_value` at `txt_name`, then verify", body = DomainView),
        Unauthenticated, Forbidden, NotFound,
        (status = 409, description = "`domain_taken`: another organization verified it", body = domain::Problem, content_type = "application/problem+json"),
        Invalid))]
pub async fn add_domain(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<AccountId>,
    ApiJson(request): ApiJson<NewDomainRequest>,
) -> ApiResult<Response> {
    let mut tx =
        AccountTx::open(&state.store, caller.actor(), id, Permission::ManageSecurity).await?;
    let name = request.validate().map_err(ApiError::Invalid)?;
    if verified_elsewhere(tx.tx(), &name, id).await? {
        return Err(domain_taken(&name));
    }
    let row = DomainRow {
        id: uuid::Uuid::now_v7().to_string(),
        account: id,
        domain: name,
        token: random_token(),
        created_at: tx.now(),
        verified_at: None,
    };
    if !insert_domain(tx.tx(), &row).await? {
        let added = FieldError::new("domain", "is one of this organization's domains already");
        return Err(ApiError::Invalid(vec![added]));
    }
    let payload = json!({ "domain": row.domain });
    let target = Target::Domain(row.id.clone());
    tx.commit(Change::new(Event::DomainAdded, target, payload))
        .await?;
    let location = format!("/api/accounts/{id}/domains/{}", row.id);
    Ok(created(location, row.view()))
}

/// Looks the domain's TXT record up and records what it found.
#[utoipa::path(post, path = "/api/accounts/{id}/domains/{domain_id}/verify", tag = "domains",
    params(("id" = AccountId, Path, description = "Account id"), ("domain_id" = String, Path, description = "Domain id")),
    responses(
        (status = 200, description = "Verified", body = DomainView),
        Unauthenticated, Forbidden, NotFound,
        (status = 409, description = "`domain_unverified`: the record is missing or says something else (a verified domain becomes pending again); `domain_taken`", body = domain::Problem, content_type = "application/problem+json")))]
pub async fn verify_domain(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath((id, domain_id)): ApiPath<(AccountId, String)>,
) -> ApiResult<Json<DomainView>> {
    caller
        .member_account(&state, id)
        .await?
        .decide(Permission::ManageSecurity)?;
    let row = state
        .store
        .domain_of(id, &domain_id)
        .await?
        .ok_or(ApiError::NotFound("domain"))?;
    // The lookup happens before the transaction: no lock waits on the network.
    let name = txt_name(&row.domain);
    let records = state.dns.txt(&name).await.map_err(|error| {
        ApiError::denied(
            ErrorCode::DomainUnverified,
            format!("The DNS lookup of {name} failed ({error}). Try again in a minute."),
        )
    })?;
    let proven = proves(&records, &row.token);
    let mut tx =
        AccountTx::open(&state.store, caller.actor(), id, Permission::ManageSecurity).await?;
    let target = Target::Domain(row.id.clone());
    let payload = json!({ "domain": row.domain });
    if !proven {
        let detail = format!(
            "No TXT record at {name} says \"{}\" yet. DNS changes can take a few minutes to appear.",
            row.view().txt_value
        );
        if row.verified_at.is_some() {
            set_verified(tx.tx(), &row.id, None).await?;
            let change = Change::new(Event::DomainUnverified, target, payload);
            tx.commit(change).await?;
        }
        return Err(ApiError::denied(ErrorCode::DomainUnverified, detail));
    }
    if verified_elsewhere(tx.tx(), &row.domain, id).await? {
        return Err(domain_taken(&row.domain));
    }
    let now = tx.now();
    set_verified(tx.tx(), &row.id, Some(now)).await?;
    tx.commit(Change::new(Event::DomainVerified, target, payload))
        .await
        .map_err(|error| match error {
            // Two organizations verifying at once: the unique index decides.
            ApiError::Internal(cause) if cause.contains("unique") || cause.contains("UNIQUE") => {
                domain_taken(&row.domain)
            }
            other => other,
        })?;
    let verified = DomainRow {
        verified_at: Some(now),
        ..row
    };
    Ok(Json(verified.view()))
}

/// Removes a domain (single sign-on stops matching its addresses).
#[utoipa::path(delete, path = "/api/accounts/{id}/domains/{domain_id}", tag = "domains",
    params(("id" = AccountId, Path, description = "Account id"), ("domain_id" = String, Path, description = "Domain id")),
    responses((status = 204, description = "Removed"), Unauthenticated, Forbidden, NotFound))]
pub async fn remove_domain(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath((id, domain_id)): ApiPath<(AccountId, String)>,
) -> ApiResult<StatusCode> {
    // Read before the transaction (nothing reads through the pool inside one);
    // a non-member gets the transaction's 404 either way.
    let row = state.store.domain_of(id, &domain_id).await?;
    let mut tx =
        AccountTx::open(&state.store, caller.actor(), id, Permission::ManageSecurity).await?;
    let row = row.ok_or(ApiError::NotFound("domain"))?;
    if !delete_domain(tx.tx(), id, &domain_id).await? {
        return Err(ApiError::NotFound("domain"));
    }
    let payload = json!({ "domain": row.domain });
    tx.commit(Change::new(
        Event::DomainRemoved,
        Target::Domain(domain_id),
        payload,
    ))
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
