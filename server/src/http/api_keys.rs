//! API keys (SPEC §7): each member's own keys in one account. Everyone may
//! create and revoke their own; Owners see and revoke everyone's. The secret is
//! answered once, at creation; only its SHA-256 is stored.

use super::extract::{ApiJson, ApiPath, ApiQuery, AuthUser};
use super::openapi::problems::{Forbidden, Invalid, NotFound, Unauthenticated};
use super::pagination::PageParams;
use super::{created, now, AppState};
use crate::error::{ApiError, ApiResult};
use crate::secrets::{random_token, token_hash};
use crate::store::accounts as db;
use crate::store::api_keys::{self as keys_db, NewKey};
use crate::store::{self, Activity};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{delete, get};
use axum::{Json, Router};
use domain::api::{ApiKeyView, CreateApiKeyRequest, CreatedApiKey, Page};
use domain::api_keys::{check_revoke, sees_all_keys, token, ApiKeyId};
use domain::roles::decide;
use domain::{AccountId, FieldError, Permission, Problem};
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
    let account = state.store.member_account(id, user.id).await?;
    decide(account.kind, account.role, Permission::ManageOwnApiKeys)?;
    let after = paging
        .cursor
        .as_deref()
        .map(|raw| {
            ApiKeyId::parse(raw).map_err(|_| {
                ApiError::Invalid(vec![FieldError::new(
                    "cursor",
                    "is not a cursor from this list",
                )])
            })
        })
        .transpose()?;
    let whose = (!sees_all_keys(account.kind, account.role)).then_some(user.id);
    let items = state
        .store
        .list_keys(id, whose, after.as_ref(), paging.limit, now())
        .await?;
    Ok(Json(super::pagination::page_of(items, paging.limit, |k| {
        k.id.to_string()
    })))
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
    let user = &caller.user;
    let now = now();
    let new = request.validate(now).map_err(ApiError::Invalid)?;
    let mut id_bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut id_bytes);
    let key_id = ApiKeyId::from_random(id_bytes);
    let secret = random_token();
    let mut tx = state.store.begin_write().await?;
    let account = db::locked_member_account(&mut tx, id, user.id).await?;
    decide(account.kind, account.role, Permission::ManageOwnApiKeys)?;
    let row = NewKey {
        id: &key_id,
        account: id,
        user: user.id,
        name: new.name.as_str(),
        secret_hash: &token_hash(&secret),
        expires_at: new.expires_at,
    };
    keys_db::insert_key(&mut tx, row, now).await?;
    let activity = Activity {
        account_id: id,
        actor: caller.actor(),
        event: "api_key.created",
        target_type: "api_key",
        target_id: key_id.to_string(),
        payload: json!({ "name": new.name.as_str(), "expires_at": new.expires_at }),
    };
    store::record(&mut tx, activity, now).await?;
    let key = keys_db::key_in_account(&mut tx, id, &key_id, now)
        .await?
        .ok_or_else(|| ApiError::Internal("created key vanished".into()))?;
    tx.commit().await?;
    let body = CreatedApiKey {
        key,
        token: token(&key_id, &secret),
        secret,
    };
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
    let user = &caller.user;
    let now = now();
    let key_id = ApiKeyId::parse(&key_id).map_err(|_| ApiError::NotFound("API key"))?;
    let mut tx = state.store.begin_write().await?;
    let account = db::locked_member_account(&mut tx, id, user.id).await?;
    let key = keys_db::key_in_account(&mut tx, id, &key_id, now)
        .await?
        .ok_or(ApiError::NotFound("API key"))?;
    let own = key.owner.user_id == user.id;
    check_revoke(account.kind, account.role, own)?;
    keys_db::delete_key(&mut tx, &key_id).await?;
    let activity = Activity {
        account_id: id,
        actor: caller.actor(),
        event: "api_key.revoked",
        target_type: "api_key",
        target_id: key_id.to_string(),
        payload: json!({ "name": key.name, "owner": key.owner.user_id }),
    };
    store::record(&mut tx, activity, now).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
