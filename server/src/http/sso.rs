//! Single sign-on (SPEC §16): an organization's OpenID Connect connection
//! (Owners), and signing in through it — `POST /api/auth/sso` sends the
//! browser to the provider, which returns it to `GET /api/sso/oidc/callback`.
//! The state is single use and bound to the browser that started (a cookie);
//! every failure lands on the app's explanation page and is logged as
//! `sso.failed` with its reason (never a token).

use super::extract::{cookie, ApiJson, ApiPath, ApiQuery, AuthUser, ClientInfo};
use super::responses::{Forbidden, Invalid, NotFound, Unauthenticated};
use super::sessions::{session_cookie, set_cookie};
use super::state::AppState;
use crate::clock::now;
use crate::error::{ApiError, ApiResult};
use crate::oidc::{self, Provider};
use crate::operations::sso::{sign_in, Vouched};
use crate::operations::users::Client;
use crate::operations::{AccountTx, Change};
use crate::secrets::{random_token, token_hash};
use crate::store::sso::{delete_connection, save_connection, ConnectionRow, PendingSso};
use crate::store::teams::team_name;
use crate::store::{Store, Target};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::activity::Event;
use domain::api::{SsoConnectionRequest, SsoConnectionView, SsoRedirect, SsoStartRequest};
use domain::sso::email_domain;
use domain::text::Email;
use domain::{AccountId, ErrorCode, FieldError, Permission};
use serde::Deserialize;
use serde_json::json;

/// The cookie that binds a sign-in at the provider to the browser that began it.
const BROWSER_COOKIE: &str = "orgspace_sso";
/// How long a sign-in may take at the provider.
const SSO_SECONDS: i64 = 600;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/accounts/{id}/sso",
            get(get_connection).post(save).delete(remove),
        )
        .route("/auth/sso", post(start))
        .route("/sso/oidc/callback", get(callback))
}

fn redirect_uri(state: &AppState) -> String {
    format!("{}/api/sso/oidc/callback", state.config.base_url())
}

/// The organization's connection (Owners).
#[utoipa::path(get, path = "/api/accounts/{id}/sso", tag = "sso",
    params(("id" = AccountId, Path, description = "Account id")),
    responses((status = 200, description = "The connection (never its client secret)", body = SsoConnectionView),
        Unauthenticated, Forbidden, NotFound))]
pub async fn get_connection(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<AccountId>,
) -> ApiResult<Json<SsoConnectionView>> {
    state
        .store
        .member_account(id, caller.user.id)
        .await?
        .decide(Permission::ManageSecurity)?;
    let row = state
        .store
        .sso_connection(id)
        .await?
        .ok_or(ApiError::NotFound("single sign-on connection"))?;
    Ok(Json(row.view(redirect_uri(&state))))
}

/// Creates or replaces the connection; the provider's discovery document is
/// read first, so a mistyped issuer is told at once.
#[utoipa::path(post, path = "/api/accounts/{id}/sso", tag = "sso", request_body = SsoConnectionRequest,
    params(("id" = AccountId, Path, description = "Account id")),
    responses((status = 200, description = "Saved", body = SsoConnectionView),
        Unauthenticated, Forbidden, NotFound, Invalid))]
pub async fn save(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<AccountId>,
    ApiJson(request): ApiJson<SsoConnectionRequest>,
) -> ApiResult<Json<SsoConnectionView>> {
    state
        .store
        .member_account(id, caller.user.id)
        .await?
        .decide(Permission::ManageSecurity)?;
    let connection = request.validate().map_err(ApiError::Invalid)?;
    let provider = Provider {
        issuer: &connection.issuer,
        client_id: &connection.client_id,
        client_secret: &connection.client_secret,
        redirect_uri: &redirect_uri(&state),
    };
    if let Err(why) = oidc::authorize(&provider, "probe@orgspace.invalid").await {
        let message = format!("is not an OpenID provider Orgspace can use ({})", why.0);
        return Err(ApiError::Invalid(vec![FieldError::new("issuer", message)]));
    }
    let mut tx =
        AccountTx::open(&state.store, caller.actor(), id, Permission::ManageSecurity).await?;
    if let Some(team) = connection.default_team {
        if team_name(tx.tx(), id, team).await?.is_none() {
            let unknown = FieldError::new("default_team", "is not a team of this organization");
            return Err(ApiError::Invalid(vec![unknown]));
        }
    }
    let now = tx.now();
    save_connection(tx.tx(), id, &connection, now).await?;
    let payload = json!({
        "type": "oidc", "issuer": connection.issuer, "client_id": connection.client_id,
        "default_role": connection.default_role.id(), "required": connection.required,
    });
    let change = Change::new(Event::SsoConfigured, Target::SsoConnection(id), payload);
    tx.commit(change).await?;
    let row = state
        .store
        .sso_connection(id)
        .await?
        .ok_or_else(|| ApiError::Internal("the saved connection vanished".into()))?;
    Ok(Json(row.view(redirect_uri(&state))))
}

/// Removes the connection.
#[utoipa::path(delete, path = "/api/accounts/{id}/sso", tag = "sso",
    params(("id" = AccountId, Path, description = "Account id")),
    responses((status = 204, description = "Removed"), Unauthenticated, Forbidden, NotFound))]
pub async fn remove(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<AccountId>,
) -> ApiResult<StatusCode> {
    let mut tx =
        AccountTx::open(&state.store, caller.actor(), id, Permission::ManageSecurity).await?;
    if !delete_connection(tx.tx(), id).await? {
        return Err(ApiError::NotFound("single sign-on connection"));
    }
    let change = Change::new(Event::SsoRemoved, Target::SsoConnection(id), json!({}));
    tx.commit(change).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The connection that signs `email` in: its domain verified by an
/// organization that has one.
pub async fn connection_for(store: &Store, email: &str) -> ApiResult<Option<ConnectionRow>> {
    let Some(domain) = email_domain(email) else {
        return Ok(None);
    };
    let Some(owner) = store.verified_domain(&domain).await? else {
        return Ok(None);
    };
    store.sso_connection(owner.account).await
}

/// Starts signing `email` in at its organization's provider.
#[utoipa::path(post, path = "/api/auth/sso", tag = "sso", request_body = SsoStartRequest, responses(
    (status = 200, description = "Open `redirect_url`; a cookie binds the sign-in to this browser", body = SsoRedirect),
    (status = 404, description = "`sso_not_configured`: no organization signs this domain in", body = domain::Problem, content_type = "application/problem+json"),
    Invalid))]
pub async fn start(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<SsoStartRequest>,
) -> ApiResult<Response> {
    let email = request.validate().map_err(ApiError::Invalid)?;
    let connection = connection_for(&state.store, email.as_str())
        .await?
        .ok_or_else(|| {
            ApiError::denied(
                ErrorCode::SsoNotConfigured,
                "No organization signs this address in with single sign-on. Sign in with your password.",
            )
        })?;
    let provider = Provider {
        issuer: &connection.issuer,
        client_id: &connection.client_id,
        client_secret: &connection.client_secret,
        redirect_uri: &redirect_uri(&state),
    };
    let authorization = oidc::authorize(&provider, email.as_str()).await.map_err(|why| {
        tracing::warn!(reason = %why.0, account = %connection.account, "SSO provider unavailable");
        ApiError::denied(
            ErrorCode::SsoNotConfigured,
            "Your organization's identity provider cannot be reached right now. Try again in a minute.",
        )
    })?;
    let browser = random_token();
    let now = now();
    let pending = PendingSso {
        account: connection.account,
        browser_hash: token_hash(&browser),
        nonce: authorization.nonce,
        pkce_verifier: authorization.pkce_verifier,
        email: email.as_str().to_owned(),
        expires_at: now.plus_seconds(SSO_SECONDS),
    };
    state
        .store
        .insert_pending_sso(&token_hash(&authorization.state), &pending, now)
        .await?;
    let mut response = Json(SsoRedirect {
        redirect_url: authorization.url,
    })
    .into_response();
    let secure = if state.config.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    set_cookie(
        &mut response,
        &format!("{BROWSER_COOKIE}={browser}; Path=/api/sso; HttpOnly; SameSite=Lax; Max-Age={SSO_SECONDS}{secure}"),
    );
    Ok(response)
}

/// What the provider sends back.
#[derive(Debug, Default, Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// A failed sign-in: the reason code the app explains, and the detail logged.
struct Failed {
    code: &'static str,
    detail: String,
}

fn failed(code: &'static str, detail: impl Into<String>) -> Failed {
    Failed {
        code,
        detail: detail.into(),
    }
}

/// A 303 to `location`.
fn see_other(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// The provider's answer: on success a session and the organization; on
/// failure the explanation page.
#[utoipa::path(get, path = "/api/sso/oidc/callback", tag = "sso",
    params(("code" = Option<String>, Query, description = "The authorization code"),
        ("state" = Option<String>, Query, description = "The state of the request"),
        ("error" = Option<String>, Query, description = "The provider's error")),
    responses((status = 303, description = "To the organization, signed in; or to `/sso/error?code=…`")))]
pub async fn callback(
    State(state): State<AppState>,
    ClientInfo(client): ClientInfo,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<CallbackQuery>,
) -> ApiResult<Response> {
    let pending = match &query.state {
        Some(value) => state.store.take_pending_sso(&token_hash(value)).await?,
        None => None,
    };
    let account = pending.as_ref().map(|p| p.account);
    match finish(&state, &client, &headers, &query, pending).await {
        Ok((token, org)) => {
            let mut response = see_other(&format!("/a/{org}"));
            set_cookie(&mut response, &session_cookie(&state, &token));
            set_cookie(
                &mut response,
                &format!("{BROWSER_COOKIE}=; Path=/api/sso; HttpOnly; SameSite=Lax; Max-Age=0"),
            );
            Ok(response)
        }
        Err(failure) => {
            tracing::info!(code = failure.code, detail = %failure.detail, "SSO sign-in failed");
            if let Some(account) = account {
                record_failure(&state.store, account, &failure, &client).await;
            }
            Ok(see_other(&format!("/sso/error?code={}", failure.code)))
        }
    }
}

async fn finish(
    state: &AppState,
    client: &Client,
    headers: &HeaderMap,
    query: &CallbackQuery,
    pending: Option<PendingSso>,
) -> Result<(String, AccountId), Failed> {
    if let Some(error) = &query.error {
        return Err(failed(
            "provider_refused",
            format!("the provider answered {error}"),
        ));
    }
    let pending = pending.ok_or_else(|| failed("state_invalid", "unknown or used state"))?;
    let browser = cookie(headers, BROWSER_COOKIE).map(|b| token_hash(&b));
    if browser.as_deref() != Some(pending.browser_hash.as_str()) {
        return Err(failed(
            "state_invalid",
            "the sign-in began in another browser",
        ));
    }
    if pending.expires_at <= now() {
        return Err(failed("expired", "the sign-in took longer than 10 minutes"));
    }
    let code = query
        .code
        .as_deref()
        .ok_or_else(|| failed("provider_refused", "no code in the answer"))?;
    let internal = |e: ApiError| failed("unavailable", e.to_string());
    let connection = state
        .store
        .sso_connection(pending.account)
        .await
        .map_err(internal)?
        .ok_or_else(|| failed("unavailable", "the connection was removed"))?;
    let provider = Provider {
        issuer: &connection.issuer,
        client_id: &connection.client_id,
        client_secret: &connection.client_secret,
        redirect_uri: &redirect_uri(state),
    };
    let identity = oidc::identify(&provider, code, &pending.pkce_verifier, &pending.nonce)
        .await
        .map_err(|why| failed("token_refused", why.0))?;
    if !identity.email_verified {
        return Err(failed(
            "email_unverified",
            format!("the provider did not vouch for {}", identity.email),
        ));
    }
    let email = Email::parse(&identity.email).map_err(|_| {
        failed(
            "domain_mismatch",
            "the provider sent an address that is not one",
        )
    })?;
    let domain = email_domain(email.as_str()).unwrap_or_default();
    let owner = state
        .store
        .verified_domain(&domain)
        .await
        .map_err(internal)?;
    if owner.map(|d| d.account) != Some(pending.account) {
        return Err(failed(
            "domain_mismatch",
            format!("{domain} is not a verified domain of this organization"),
        ));
    }
    let vouched = Vouched {
        connection: &connection,
        email: &email,
        name: identity.name.as_deref(),
        client,
    };
    let session = sign_in(
        &state.store,
        state.config.limits(),
        state.config.session_ttl,
        vouched,
        now(),
    )
    .await
    .map_err(|e| match &e {
        ApiError::Denied(denial) => failed("join_refused", denial.message.clone()),
        _ => internal(e),
    })?;
    tracing::info!(user = %session.user.id, account = %pending.account, joined = session.joined, "signed in with SSO");
    Ok((session.token, pending.account))
}

/// Writes `sso.failed` to the organization's log (after the answer's decision;
/// a failure to write it is logged, not shown).
async fn record_failure(store: &Store, account: AccountId, failure: &Failed, client: &Client) {
    let recorded = async {
        let tx = store.begin_write().await?;
        let payload =
            json!({ "reason": failure.code, "detail": failure.detail, "client": client.ip });
        // No user is known for a failed sign-in: the entry names none.
        let target = Target::SsoConnection(account);
        tx.commit_unattributed(account, Event::SsoFailed, target, payload, now())
            .await
    };
    if let Err(error) = recorded.await {
        tracing::warn!(%error, %account, "a failed SSO sign-in was not recorded");
    }
}
