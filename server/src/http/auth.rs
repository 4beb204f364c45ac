//! Signing up, in and out, and the links mailed to an address: verifying it
//! and resetting a password. None of these needs a session except sign-out.

use super::extract::{session_token, ApiJson, ClientInfo};
use super::sessions::{
    cleared_cookie, finish_sign_in, password_failures, pending_cookie, record_failed_sign_in,
    session_cookie, set_cookie, signed_in_body,
};
use super::sso::connection_for;
use super::state::AppState;
use crate::clock::now;
use crate::error::{ApiError, ApiResult};
use crate::mail::templates::{self, PasswordChange};
use crate::operations::users::{self, Lifetimes};
use crate::operations::{AccountTx, Change};
use crate::secrets::{hash_password, random_token, token_hash, verify_password};
use crate::store::auth::{delete_session, EmailToken, TokenPurpose};
use crate::store::{Actor, RateLimit, Target, UserRow};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use domain::activity::Event;
use domain::api::{
    AuthResponse, LoginAnswer, LoginRequest, PasswordResetConfirmRequest, PasswordResetRequest,
    RegisterRequest, TwoFactorChallenge, UserView, VerifyEmailRequest,
};
use domain::sso::password_sign_in;
use domain::text::Email;
use domain::{OrgRole, Problem, Timestamp, UserId};
use serde_json::json;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/register", post(register))
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/auth/verify-email", post(verify_email))
        .route("/auth/password-reset", post(request_password_reset))
        .route("/auth/password-reset/confirm", post(confirm_password_reset))
}

/// Sign-in failures all look alike, whether or not the email is registered.
const WRONG_CREDENTIALS: &str = "The email or password is wrong.";

/// Refuses when `bucket` is over `max` per hour, then counts this attempt.
async fn hourly_limit(state: &AppState, bucket: &str, max: u32) -> ApiResult<()> {
    let limit = RateLimit {
        max,
        window_seconds: 3600,
    };
    let now = now();
    state.store.check_rate(bucket, limit, now).await?;
    state.store.hit_rate(bucket, now).await
}

/// Creates a user with their personal account (and, for `account_type:
/// organization`, an organization they own), signs them in, and mails a link
/// verifying their address.
#[utoipa::path(post, path = "/api/auth/register", tag = "auth", request_body = RegisterRequest, responses(
    (status = 201, description = "Registered and signed in; sets the session cookie; a verification link is mailed", body = AuthResponse),
    (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "`email_taken`", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "`validation`, listing every bad field", body = Problem, content_type = "application/problem+json"),
    (status = 429, description = "`rate_limited`", body = Problem, content_type = "application/problem+json")))]
pub async fn register(
    State(state): State<AppState>,
    ClientInfo(client): ClientInfo,
    ApiJson(request): ApiJson<RegisterRequest>,
) -> ApiResult<Response> {
    let per_hour = state.config.registrations_per_hour;
    hourly_limit(&state, &format!("register:{}", client.ip), per_hour).await?;
    let email_bucket = format!("register-email:{}", request.email.trim().to_lowercase());
    hourly_limit(&state, &email_bucket, per_hour).await?;
    let registration = request.validate().map_err(ApiError::Invalid)?;
    let user = UserRow {
        id: UserId::from_uuid(uuid::Uuid::now_v7()),
        email: registration.email.as_str().to_owned(),
        name: registration.name.as_str().to_owned(),
        password_hash: hash_password(registration.password.expose().to_owned()).await?,
        email_verified_at: None,
        totp_secret: None,
        totp_pending_secret: None,
    };
    let config = &state.config;
    let lifetimes = Lifetimes {
        session: config.session_ttl,
        email_verification: config.email_verification_ttl,
    };
    let organization = registration.organization.as_ref();
    let done = users::register(
        &state.store,
        config.limits(),
        lifetimes,
        &user,
        organization,
        &client,
        now(),
    )
    .await?;
    tracing::info!(user = %user.id, "registered");
    let mail = templates::verify_email(
        &config.base_url(),
        &user.email,
        &user.name,
        &done.verification_token,
        config.email_verification_ttl,
    );
    state.mail(mail).await;
    let mut response = (
        StatusCode::CREATED,
        Json(signed_in_body(&state, &user).await?),
    )
        .into_response();
    set_cookie(&mut response, &session_cookie(&state, &done.session_token));
    Ok(response)
}

/// Signs in. Always lands in the personal account (the app's choice; the answer
/// lists every account, personal first). The previous session, if any, ends.
/// Successful and failed sign-ins of an account are entries of its personal
/// account's activity log, with the client's address and user agent. With
/// two-factor on, a right password answers `two_factor_required` and a pending
/// sign-in cookie instead; `POST /api/auth/two-factor` finishes it.
#[utoipa::path(post, path = "/api/auth/login", tag = "auth", request_body = LoginRequest, responses(
    (status = 200, description = "Signed in with a new session cookie; or, with two-factor on, `two_factor_required` and a pending sign-in cookie (5 minutes)", body = LoginAnswer),
    (status = 401, description = "`unauthenticated`: wrong email or password (the same answer for both)", body = Problem, content_type = "application/problem+json"),
    (status = 403, description = "`sso_required`: the address's organization signs it in with SSO", body = Problem, content_type = "application/problem+json"),
    (status = 429, description = "`rate_limited`, with Retry-After", body = Problem, content_type = "application/problem+json")))]
pub async fn login(
    State(state): State<AppState>,
    ClientInfo(client): ClientInfo,
    headers: HeaderMap,
    ApiJson(request): ApiJson<LoginRequest>,
) -> ApiResult<Response> {
    let now = now();
    let attempts = RateLimit {
        max: state.config.login_attempts_per_minute,
        window_seconds: 60,
    };
    let by_address = format!("login:{}", client.ip);
    state.store.check_rate(&by_address, attempts, now).await?;
    state.store.hit_rate(&by_address, now).await?;
    let email = request.email.trim().to_lowercase();
    let (failures, limit) = password_failures(&state, &email);
    state.store.check_rate(&failures, limit, now).await?;
    let user = match Email::parse(&email) {
        Ok(email) => state.store.user_by_email(email.as_str()).await?,
        Err(_) => None,
    };
    // An unknown email is checked against a real hash too: the same work.
    let hash = user.as_ref().map_or_else(
        || state.decoy_hash.as_str().to_owned(),
        |u| u.password_hash.clone(),
    );
    let matches = verify_password(request.password.clone(), hash).await?;
    let user = match (user, matches) {
        (Some(user), true) => user,
        (user, _) => {
            state.store.hit_rate(&failures, now).await?;
            if let Some(user) = user {
                record_failed_sign_in(&state, user.id, client, None);
            }
            return Err(ApiError::Unauthenticated(WRONG_CREDENTIALS));
        }
    };
    enforced_sso(&state, &user).await?;
    if user.two_factor_on() {
        return pending_sign_in(&state, &user, now).await;
    }
    let tx = AccountTx::personal(&state.store, Actor::user(user.id)).await?;
    finish_sign_in(&state, tx, &user, &client, &headers, None).await
}

/// SPEC §16: an address on a verified domain of an organization that
/// requires single sign-on signs in with SSO, except that organization's
/// Owners with two-factor on (break-glass).
async fn enforced_sso(state: &AppState, user: &UserRow) -> ApiResult<()> {
    let Some(connection) = connection_for(&state.store, &user.email).await? else {
        return Ok(());
    };
    let required = connection.required_at.is_some();
    let owner = match required {
        true => state
            .store
            .member(connection.account, user.id)
            .await?
            .is_some_and(|m| m.role == OrgRole::Owner),
        false => false,
    };
    let name = match required {
        true => state.store.account_name(connection.account).await?,
        false => String::new(),
    };
    Ok(password_sign_in(
        &name,
        required,
        owner && user.two_factor_on(),
    )?)
}

/// The answer to a right password when a second factor is on: no session,
/// only the pending sign-in's cookie (SPEC §15).
async fn pending_sign_in(state: &AppState, user: &UserRow, now: Timestamp) -> ApiResult<Response> {
    let token = random_token();
    let expires_at = now.plus_seconds(state.config.pending_sign_in_ttl);
    state
        .store
        .insert_pending_sign_in(&token_hash(&token), user.id, now, expires_at)
        .await?;
    let two_factor = state.store.two_factor_of(user.id, true).await?;
    let answer = LoginAnswer::TwoFactor(TwoFactorChallenge {
        two_factor_required: true,
        methods: two_factor.methods(),
    });
    let mut response = Json(answer).into_response();
    set_cookie(&mut response, &pending_cookie(state, &token));
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
            let change = Change::new(Event::UserSignedOut, Target::User(user), json!({}));
            tx.commit(change).await?;
        }
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    set_cookie(&mut response, &cleared_cookie(&state));
    Ok(response)
}

/// Follows a mailed verification link: the address is verified (or, for a
/// change of address, the new one replaces the old). No session needed.
#[utoipa::path(post, path = "/api/auth/verify-email", tag = "auth", request_body = VerifyEmailRequest, responses(
    (status = 200, description = "Verified; the user as they are now", body = VerifyEmailAnswer),
    (status = 409, description = "`email_taken`: the new address belongs to another account now", body = Problem, content_type = "application/problem+json"),
    (status = 410, description = "`token_invalid`: unknown, used or expired", body = Problem, content_type = "application/problem+json")))]
pub async fn verify_email(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<VerifyEmailRequest>,
) -> ApiResult<Json<VerifyEmailAnswer>> {
    let user = users::verify_email(&state.store, &request.token, now()).await?;
    let user = state.store.user_view(&user).await?;
    Ok(Json(VerifyEmailAnswer { user }))
}

/// `POST /api/auth/verify-email`'s answer.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct VerifyEmailAnswer {
    pub user: UserView,
}

/// Mails a password reset link to `email` if an account has it. The answer is
/// the same either way, after the same work: the address is looked up, a link
/// made and its hash taken in both cases, the limits count both, and the link
/// is stored and mailed after the answer.
#[utoipa::path(post, path = "/api/auth/password-reset", tag = "auth", request_body = PasswordResetRequest, responses(
    (status = 202, description = "If an account has this email, a link is on its way"),
    (status = 429, description = "`rate_limited`, with Retry-After", body = Problem, content_type = "application/problem+json")))]
pub async fn request_password_reset(
    State(state): State<AppState>,
    ClientInfo(client): ClientInfo,
    ApiJson(request): ApiJson<PasswordResetRequest>,
) -> ApiResult<StatusCode> {
    let email = request.email.trim().to_lowercase();
    let per_hour = state.config.password_resets_per_hour;
    hourly_limit(&state, &format!("reset:{}", client.ip), per_hour).await?;
    hourly_limit(&state, &format!("reset-email:{email}"), per_hour).await?;
    let now = now();
    let ttl = state.config.password_reset_ttl;
    let user = match Email::parse(&email) {
        Ok(email) => state.store.user_by_email(email.as_str()).await?,
        Err(_) => None,
    };
    let token = random_token();
    let hash = token_hash(&token);
    let owner = user
        .as_ref()
        .map_or_else(|| UserId::from_uuid(uuid::Uuid::nil()), |u| u.id);
    let link = EmailToken {
        user: owner,
        purpose: TokenPurpose::ResetPassword,
        email: email.clone(),
        expires_at: now.plus_seconds(ttl),
    };
    if let Some(user) = user {
        let mail = templates::password_reset(
            &state.config.base_url(),
            &user.email,
            &user.name,
            &token,
            ttl,
        );
        let state = state.clone();
        // Stored and mailed after the answer: a known address takes no longer.
        tokio::spawn(async move {
            match state.store.issue_token(&hash, &link, now).await {
                Ok(()) => state.mail(mail).await,
                Err(error) => {
                    tracing::error!(%error, user = %user.id, "a password reset link was not stored")
                }
            }
        });
    }
    Ok(StatusCode::ACCEPTED)
}

/// Follows a password reset link: sets the new password, ends every session,
/// counts the address as verified, and mails a notice. Sign in afterwards.
#[utoipa::path(post, path = "/api/auth/password-reset/confirm", tag = "auth", request_body = PasswordResetConfirmRequest, responses(
    (status = 204, description = "The password changed; every session ended"),
    (status = 410, description = "`token_invalid`: unknown, used or expired", body = Problem, content_type = "application/problem+json")))]
pub async fn confirm_password_reset(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<PasswordResetConfirmRequest>,
) -> ApiResult<StatusCode> {
    let password = request.validate().map_err(ApiError::Invalid)?;
    let hash = hash_password(password.expose().to_owned()).await?;
    let now = now();
    let (user, _) = users::reset_password(&state.store, &request.token, &hash, now).await?;
    // The failed sign-ins that led here no longer stand in the way.
    state
        .store
        .clear_rate(&password_failures(&state, &user.email).0)
        .await?;
    state
        .mail(templates::password_changed_notice(
            &user.email,
            &user.name,
            PasswordChange::Reset,
            now,
        ))
        .await;
    Ok(StatusCode::NO_CONTENT)
}
