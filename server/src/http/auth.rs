//! Registration, sign-in, sign-out and `GET /api/me`.

use super::accounts::create_organization;
use super::extract::{session_token, ApiJson, AuthUser, ClientAddr, SESSION_COOKIE};
use super::openapi::problems::Unauthenticated;
use super::{now, AppState};
use crate::error::{ApiError, ApiResult};
use crate::secrets::{hash_password, random_token, token_hash, verify_password};
use crate::store::{self, Activity, Actor, NewAccount, RateLimit, UserRow, WriteTx};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use domain::api::{AuthResponse, ChangePasswordRequest, LoginRequest, MeResponse, RegisterRequest};
use domain::roles::AccountStatus;
use domain::text::Email;
use domain::{AccountId, AccountKind, ErrorCode, OrgRole, Plan, Problem, Timestamp, UserId};

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
    let mut tx = state.store.begin_write().await?;
    if !store::users::insert_user(&mut tx, &user, now).await? {
        return Err(ApiError::denied(
            ErrorCode::EmailTaken,
            "An account with this email already exists. Sign in instead.",
        ));
    }
    let personal = AccountId::from_uuid(uuid::Uuid::now_v7());
    let status = match registration.organization {
        None => AccountStatus::Active,
        Some(_) => AccountStatus::Suspended,
    };
    store::accounts::insert_account(
        &mut tx,
        &NewAccount {
            id: personal,
            kind: AccountKind::Personal,
            name: &user.name,
            slug: None,
            personal_user_id: Some(user.id),
            status,
            plan: Plan::PERSONAL,
            region: None,
            billing_address: None,
        },
        now,
    )
    .await?;
    store::accounts::insert_membership(&mut tx, personal, user.id, OrgRole::Owner, now).await?;
    let activity = Activity {
        account_id: personal,
        actor: Actor::user(user.id),
        event: "account.created",
        target_type: "account",
        target_id: personal.to_string(),
        payload: serde_json::json!({ "kind": "personal", "status": status.id() }),
    };
    store::record(&mut tx, activity, now).await?;
    if let Some(organization) = &registration.organization {
        create_organization(&mut tx, &state, user.id, organization, now).await?;
    }
    let token = start_session(&mut tx, &state, user.id, now).await?;
    tx.commit().await?;
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
    let mut tx = state.store.begin_write().await?;
    if let Some(old) = session_token(&headers) {
        store::users::delete_session(&mut tx, &token_hash(&old)).await?;
    }
    let token = start_session(&mut tx, &state, user.id, now).await?;
    let personal = store::users::personal_account(&mut tx, user.id).await?;
    let activity = Activity {
        account_id: personal,
        actor: Actor::user(user.id),
        event: "user.signed_in",
        target_type: "user",
        target_id: user.id.to_string(),
        payload: serde_json::json!({ "client": ip.to_string() }),
    };
    store::record(&mut tx, activity, now).await?;
    tx.commit().await?;
    let mut response = Json(auth_body(&state, &user).await?).into_response();
    set_cookie(&mut response, &session_cookie(&state, &token));
    Ok(response)
}

/// Ends the session (if any) and clears the cookie.
#[utoipa::path(post, path = "/api/auth/logout", tag = "auth", responses((status = 204, description = "Signed out")))]
pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    if let Some(token) = session_token(&headers) {
        let now = now();
        let mut tx = state.store.begin_write().await?;
        if let Some(user) = store::users::delete_session(&mut tx, &token_hash(&token)).await? {
            let activity = Activity {
                account_id: store::users::personal_account(&mut tx, user).await?,
                actor: Actor::user(user),
                event: "user.signed_out",
                target_type: "user",
                target_id: user.to_string(),
                payload: serde_json::json!({}),
            };
            store::record(&mut tx, activity, now).await?;
        }
        tx.commit().await?;
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
    let mut tx = state.store.begin_write().await?;
    store::users::set_password(&mut tx, user.id, &hash).await?;
    let ended = store::users::delete_sessions_of(&mut tx, user.id).await?;
    let token = start_session(&mut tx, &state, user.id, now).await?;
    let activity = Activity {
        account_id: store::users::personal_account(&mut tx, user.id).await?,
        actor: Actor::user(user.id),
        event: "user.password_changed",
        target_type: "user",
        target_id: user.id.to_string(),
        payload: serde_json::json!({ "sessions_ended": ended }),
    };
    store::record(&mut tx, activity, now).await?;
    tx.commit().await?;
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

/// Creates a session and returns its token (only its hash is stored).
async fn start_session(
    tx: &mut WriteTx,
    state: &AppState,
    user: UserId,
    now: Timestamp,
) -> ApiResult<String> {
    let token = random_token();
    let expires = now.plus_seconds(state.config.session_ttl);
    store::users::insert_session(tx, &token_hash(&token), user, now, expires).await?;
    Ok(token)
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
