//! Registration, sign-in, sign-out and `GET /api/me`.

use super::extract::{session_token, ApiJson, AuthUser, ClientAddr, SESSION_COOKIE};
use super::responses::Unauthenticated;
use super::state::AppState;
use crate::clock::now;
use crate::error::{ApiError, ApiResult};
use crate::operations::users::{self, start_session};
use crate::operations::{AccountTx, Change};
use crate::secrets::{hash_password, token_hash, verify_password};
use crate::store::auth::{delete_session, delete_sessions_of, set_password};
use crate::store::{Actor, RateLimit, Target, UserRow};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use domain::activity::Event;
use domain::api::{AuthResponse, ChangePasswordRequest, LoginRequest, MeResponse, RegisterRequest};
use domain::text::Email;
use domain::{Problem, UserId};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/register", post(register))
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/me", get(me))
        .route("/me/password", put(change_password))
}

/// Sign-in failures all look alike, whether or not the email is registered.
const WRONG_CREDENTIALS: &str = "The email or password is wrong.";

/// Creates a user with their personal account (and, for `account_type:
/// organization`, an organization they own) and signs them in.
#[utoipa::path(post, path = "/api/auth/register", tag = "auth", request_body = RegisterRequest, responses(
    (status = 201, description = "Registered and signed in; sets the session cookie", body = AuthResponse),
    (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "`email_taken`", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "`validation`, listing every bad field", body = Problem, content_type = "application/problem+json"),
    (status = 429, description = "`rate_limited`", body = Problem, content_type = "application/problem+json")))]
pub async fn register(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    ApiJson(request): ApiJson<RegisterRequest>,
) -> ApiResult<Response> {
    let now = now();
    let hourly = RateLimit {
        max: state.config.registrations_per_hour,
        window_seconds: 3600,
    };
    let by_address = format!("register:{ip}");
    let by_email = format!("register-email:{}", request.email.trim().to_lowercase());
    state.store.check_rate(&by_address, hourly, now).await?;
    state.store.check_rate(&by_email, hourly, now).await?;
    state.store.hit_rate(&by_address, now).await?;
    state.store.hit_rate(&by_email, now).await?;

    let registration = request.validate().map_err(ApiError::Invalid)?;
    let user = UserRow {
        id: UserId::from_uuid(uuid::Uuid::now_v7()),
        email: registration.email.as_str().to_owned(),
        name: registration.name.as_str().to_owned(),
        password_hash: hash_password(registration.password.expose().to_owned()).await?,
    };
    let (limits, ttl) = (state.config.limits(), state.config.session_ttl);
    let organization = registration.organization.as_ref();
    let token = users::register(&state.store, limits, &user, organization, ttl, now).await?;
    tracing::info!(user = %user.id, "registered");
    let body = auth_body(&state, &user).await?;
    let mut response = (StatusCode::CREATED, Json(body)).into_response();
    set_cookie(&mut response, &session_cookie(&state, &token));
    Ok(response)
}

/// Signs in. Always lands in the personal account (the app's choice; the answer
/// lists every account, personal first). The previous session, if any, ends.
#[utoipa::path(post, path = "/api/auth/login", tag = "auth", request_body = LoginRequest, responses(
    (status = 200, description = "Signed in; sets a new session cookie", body = AuthResponse),
    (status = 401, description = "`unauthenticated`: wrong email or password (the same answer for both)", body = Problem, content_type = "application/problem+json"),
    (status = 429, description = "`rate_limited`, with Retry-After", body = Problem, content_type = "application/problem+json")))]
pub async fn login(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    headers: HeaderMap,
    ApiJson(request): ApiJson<LoginRequest>,
) -> ApiResult<Response> {
    let now = now();
    let config = &state.config;
    let by_address = format!("login:{ip}");
    let attempts = RateLimit {
        max: config.login_attempts_per_minute,
        window_seconds: 60,
    };
    state.store.check_rate(&by_address, attempts, now).await?;
    state.store.hit_rate(&by_address, now).await?;
    let email = request.email.trim().to_lowercase();
    let failures_key = format!("login-fail:{email}");
    let failures = RateLimit {
        max: config.login_failures_per_email,
        window_seconds: config.login_failure_window,
    };
    state.store.check_rate(&failures_key, failures, now).await?;

    let user = match Email::parse(&email) {
        Ok(email) => state.store.user_by_email(email.as_str()).await?,
        Err(_) => None,
    };
    let hash = user.as_ref().map_or_else(
        || state.decoy_hash.as_str().to_owned(),
        |u| u.password_hash.clone(),
    );
    let matches = verify_password(request.password.clone(), hash).await?;
    let user = match (user, matches) {
        (Some(user), true) => user,
        _ => {
            state.store.hit_rate(&failures_key, now).await?;
            return Err(ApiError::Unauthenticated(WRONG_CREDENTIALS));
        }
    };
    let mut tx = AccountTx::personal(&state.store, Actor::user(user.id)).await?;
    if let Some(old) = session_token(&headers) {
        delete_session(tx.tx(), &token_hash(&old)).await?;
    }
    let token = start_session(tx.tx(), user.id, now, config.session_ttl).await?;
    let payload = serde_json::json!({ "client": ip.to_string() });
    tx.commit(Change::new(
        Event::UserSignedIn,
        Target::User(user.id),
        payload,
    ))
    .await?;
    let mut response = Json(auth_body(&state, &user).await?).into_response();
    set_cookie(&mut response, &session_cookie(&state, &token));
    Ok(response)
}

/// Ends the session (if any) and clears the cookie.
#[utoipa::path(post, path = "/api/auth/logout", tag = "auth", responses((status = 204, description = "Signed out")))]
pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    let hash = session_token(&headers).map(|token| token_hash(&token));
    let user = match &hash {
        Some(hash) => state.store.session_user(hash).await?,
        None => None,
    };
    if let (Some(hash), Some(user)) = (hash, user) {
        let mut tx = AccountTx::personal(&state.store, Actor::user(user)).await?;
        if delete_session(tx.tx(), &hash).await?.is_some() {
            let change = Change::new(
                Event::UserSignedOut,
                Target::User(user),
                serde_json::json!({}),
            );
            tx.commit(change).await?;
        }
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    let secure = if state.config.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    set_cookie(
        &mut response,
        &format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
    );
    Ok(response)
}

/// Changes the signed-in user's password after checking the current one. Every
/// session of the user ends (signed in elsewhere, one is signed out there) and a
/// new one starts here, its cookie sent with the answer. Wrong current passwords
/// count against the same budget as failed sign-ins.
#[utoipa::path(put, path = "/api/me/password", tag = "auth", request_body = ChangePasswordRequest, responses(
    (status = 204, description = "Changed; every session ended; sets a new session cookie"),
    (status = 422, description = "`validation`: the current password is wrong, or the new one is not a valid password", body = Problem, content_type = "application/problem+json"),
    (status = 429, description = "`rate_limited`, with Retry-After", body = Problem, content_type = "application/problem+json")))]
pub async fn change_password(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiJson(request): ApiJson<ChangePasswordRequest>,
) -> ApiResult<Response> {
    let now = now();
    let user = &caller.user;
    let failures_key = format!("login-fail:{}", user.email);
    let failures = RateLimit {
        max: state.config.login_failures_per_email,
        window_seconds: state.config.login_failure_window,
    };
    state.store.check_rate(&failures_key, failures, now).await?;
    let new_password = request.validate().map_err(ApiError::Invalid)?;
    let matches =
        verify_password(request.current_password.clone(), user.password_hash.clone()).await?;
    if !matches {
        state.store.hit_rate(&failures_key, now).await?;
        return Err(ApiError::Invalid(vec![domain::FieldError::new(
            "current_password",
            "is not your current password",
        )]));
    }
    let hash = hash_password(new_password.expose().to_owned()).await?;
    let mut tx = AccountTx::personal(&state.store, Actor::user(user.id)).await?;
    set_password(tx.tx(), user.id, &hash).await?;
    let ended = delete_sessions_of(tx.tx(), user.id).await?;
    let token = start_session(tx.tx(), user.id, now, state.config.session_ttl).await?;
    let payload = serde_json::json!({ "sessions_ended": ended });
    tx.commit(Change::new(
        Event::UserPasswordChanged,
        Target::User(user.id),
        payload,
    ))
    .await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    set_cookie(&mut response, &session_cookie(&state, &token));
    Ok(response)
}

/// The signed-in user, their accounts (personal first) and pending invitations.
#[utoipa::path(get, path = "/api/me", tag = "auth", responses(
    (status = 200, description = "Who is signed in", body = MeResponse),
    Unauthenticated))]
pub async fn me(State(state): State<AppState>, caller: AuthUser) -> ApiResult<Json<MeResponse>> {
    let user = &caller.user;
    let AuthResponse { user, accounts } = auth_body(&state, user).await?;
    let pending_invitations = state
        .store
        .count_pending_invitations(&user.email, now())
        .await?;
    Ok(Json(MeResponse {
        user,
        accounts,
        pending_invitations,
        max_organizations: state.config.max_orgs_per_user,
    }))
}

async fn auth_body(state: &AppState, user: &UserRow) -> ApiResult<AuthResponse> {
    let accounts = state.store.accounts_of(user.id).await?;
    Ok(AuthResponse {
        user: user.view(),
        accounts: accounts.iter().map(|a| a.view()).collect(),
    })
}

fn session_cookie(state: &AppState, token: &str) -> String {
    let secure = if state.config.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        state.config.session_ttl
    )
}

fn set_cookie(response: &mut Response, cookie: &str) {
    if let Ok(value) = HeaderValue::from_str(cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}
