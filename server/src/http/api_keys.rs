//! API keys (SPEC §7): each member's own keys in one account. Everyone may
//! create and revoke their own; Owners see and revoke everyone's. The secret is
//! answered once, at creation; only its SHA-256 is stored.

use super::extract::{ApiJson, ApiPath, ApiQuery, AuthUser};
use super::pagination::{page_of, PageParams};
use super::responses::{created, Forbidden, Invalid, NotFound, Unauthenticated};
use super::state::AppState;
use crate::clock;
use crate::error::{ApiError, ApiResult};
use crate::operations::{AccountTx, Change};
use crate::secrets::{random_token, token_hash};
use crate::store::api_keys::{self as keys_db, NewKey};
use crate::store::Target;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{delete, get};
use axum::{Json, Router};
use domain::activity::Event;
use domain::api::{ApiKeyView, CreateApiKeyRequest, CreatedApiKey, Page};
use domain::api_keys::{check_revoke, sees_all_keys, token, ApiKeyId};
use domain::hierarchy::check_direct_member;
use domain::{AccountId, Permission, Problem};
use rand::RngCore;
use serde_json::json;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/accounts/{id}/api-keys", get(list_keys).post(create_key))
        .route("/accounts/{id}/api-keys/{key_id}", delete(revoke_key))
}

/// The caller's keys in this account; for Owners, every member's (and former
/// members' inactive ones), with whose each is.
#[utoipa::path(get, path = "/api/accounts/{id}/api-keys", tag = "api-keys",
    params(("id" = AccountId, Path, description = "Account id"),
        ("limit" = Option<u32>, Query, description = "1 to 200, default 50"),
        ("cursor" = Option<String>, Query, description = "From `next_cursor`")),
    responses(
        (status = 200, description = "Keys, oldest first; never their secrets", body = Page<ApiKeyView>),
        Unauthenticated, NotFound, Invalid))]
pub async fn list_keys(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<AccountId>,
    ApiQuery(params): ApiQuery<PageParams>,
) -> ApiResult<Json<Page<ApiKeyView>>> {
    let user = &caller.user;
    let paging = params.parse()?;
    let account = caller.member_account(&state, id).await?;
    account.decide(Permission::ManageOwnApiKeys)?;
    let after = paging
        .cursor
        .as_deref()
        .map(|raw| ApiKeyId::parse(raw).map_err(|_| PageParams::bad_cursor()))
        .transpose()?;
    let whose = (!sees_all_keys(account.kind, account.role)).then_some(user.id);
    let page = state
        .store
        .list_keys(&account, whose, after.as_ref(), paging.limit, clock::now())
        .await?;
    Ok(Json(page_of(page)))
}

/// Creates a key for the caller in this account. The answer holds the secret and
/// the token (`{id}.{secret}`) this once; they cannot be shown again.
#[utoipa::path(post, path = "/api/accounts/{id}/api-keys", tag = "api-keys", request_body = CreateApiKeyRequest,
    params(("id" = AccountId, Path, description = "Account id")),
    responses(
        (status = 201, description = "Created; `secret` and `token` are shown only now", body = CreatedApiKey),
        Unauthenticated, Forbidden, NotFound, Invalid))]
pub async fn create_key(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<AccountId>,
    ApiJson(request): ApiJson<CreateApiKeyRequest>,
) -> ApiResult<Response> {
    let new = request.validate(clock::now()).map_err(ApiError::Invalid)?;
    let mut id_bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut id_bytes);
    let key_id = ApiKeyId::from_random(id_bytes);
    let secret = random_token();
    let mut tx = AccountTx::open(
        &state.store,
        caller.actor(),
        id,
        Permission::ManageOwnApiKeys,
    )
    .await?;
    if let Some(ancestor) = &tx.account().inherited_from {
        check_direct_member(&tx.account().access(), &ancestor.name)?;
    }
    let row = NewKey {
        id: &key_id,
        account: id,
        user: caller.user.id,
        name: new.name.as_str(),
        secret_hash: &token_hash(&secret),
        expires_at: new.expires_at,
    };
    let now = tx.now();
    keys_db::insert_key(tx.tx(), row, now).await?;
    let key = keys_db::key_in_account(tx.tx(), id, &key_id, now)
        .await?
        .ok_or_else(|| ApiError::Internal("created key vanished".into()))?;
    let payload = json!({ "name": new.name.as_str(), "expires_at": new.expires_at });
    tx.commit(Change::new(
        Event::ApiKeyCreated,
        Target::ApiKey(key_id.clone()),
        payload,
    ))
    .await?;
    let token = token(&key_id, &secret);
    let body = CreatedApiKey { key, token, secret };
    Ok(created(
        format!("/api/accounts/{id}/api-keys/{key_id}"),
        body,
    ))
}

/// Revokes (deletes) a key: one's own, or as an Owner anyone's. A member who may
/// not see the key (someone else's, not being Owner) gets 403.
#[utoipa::path(delete, path = "/api/accounts/{id}/api-keys/{key_id}", tag = "api-keys",
    params(("id" = AccountId, Path, description = "Account id"), ("key_id" = String, Path, description = "Key id (`osk_…`)")),
    responses(
        (status = 204, description = "Revoked"),
        Unauthenticated,
        (status = 403, description = "`forbidden`: another member's key, and the caller is not an Owner", body = Problem, content_type = "application/problem+json"),
        NotFound))]
pub async fn revoke_key(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath((id, key_id)): ApiPath<(AccountId, String)>,
) -> ApiResult<StatusCode> {
    let key_id = ApiKeyId::parse(&key_id).map_err(|_| ApiError::NotFound("API key"))?;
    let mut tx = AccountTx::open_member(&state.store, caller.actor(), id).await?;
    let now = tx.now();
    let key = keys_db::key_in_account(tx.tx(), id, &key_id, now)
        .await?
        .ok_or(ApiError::NotFound("API key"))?;
    let own = key.owner.user_id == caller.user.id;
    check_revoke(tx.account().kind, tx.account().role, own)?;
    keys_db::delete_key(tx.tx(), &key_id).await?;
    let payload = json!({ "name": key.name, "owner": key.owner.user_id });
    tx.commit(Change::new(
        Event::ApiKeyRevoked,
        Target::ApiKey(key_id),
        payload,
    ))
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
