//! The signed-in user's own things (SPEC §14): who they are, their name, email
//! and password, a new verification mail, their sessions, and deleting their
//! user. API keys get 403 here: they act only inside their own account.

use super::extract::{ApiJson, ApiPath, AuthUser, ClientInfo};
use super::responses::{Invalid, NotFound, Unauthenticated};
use super::sessions::{cleared_cookie, password_matches, session_cookie, set_cookie};
use super::state::AppState;
use crate::clock::now;
use crate::error::{ApiError, ApiResult};
use crate::mail::templates::{self, PasswordChange};
use crate::operations::users::{self, deletion_plan, issue_link, start_session};
use crate::operations::{AccountTx, Change};
use crate::secrets::hash_password;
use crate::store::auth::{
    delete_other_sessions, delete_session_by_id, delete_sessions_of, email_taken, set_name,
    set_password, TokenPurpose,
};
use crate::store::{RateLimit, Target};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use domain::activity::Event;
use domain::api::{
    ChangeEmailRequest, ChangePasswordRequest, DeleteUserRequest, DeletionPlanView, MeResponse,
    SessionView, SessionsView, UpdateProfileRequest,
};
use domain::identity::device_label;
use domain::{ErrorCode, FieldError, Problem};
use serde_json::json;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me", get(me).patch(update_profile).delete(delete_me))
        .route("/me/password", put(change_password))
        .route("/me/email", put(change_email))
        .route("/me/verification-email", post(resend_verification))
        .route(
            "/me/sessions",
            get(list_sessions).delete(revoke_other_sessions),
        )
        .route("/me/sessions/{session_id}", delete(revoke_session))
        .route("/me/deletion", get(get_deletion_plan))
}

/// The signed-in user, their accounts (personal first) and their pending
/// invitations — none until their address is verified.
#[utoipa::path(get, path = "/api/me", tag = "me", responses(
    (status = 200, description = "Who is signed in", body = MeResponse),
    Unauthenticated))]
pub async fn me(State(state): State<AppState>, caller: AuthUser) -> ApiResult<Json<MeResponse>> {
    let (user, accounts, pending_invitations) = state.store.who_am_i(&caller.user, now()).await?;
    Ok(Json(MeResponse {
        user,
        accounts: accounts.iter().map(|a| a.view()).collect(),
        pending_invitations,
        max_organizations: state.config.max_orgs_per_user,
    }))
}

/// Changes the display name (the personal account's name follows).
#[utoipa::path(patch, path = "/api/me", tag = "me", request_body = UpdateProfileRequest, responses(
    (status = 200, description = "The user with the new name", body = MeResponse),
    Unauthenticated, Invalid))]
pub async fn update_profile(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiJson(request): ApiJson<UpdateProfileRequest>,
) -> ApiResult<Json<MeResponse>> {
    let name = request.validate().map_err(ApiError::Invalid)?;
    let user = &caller.user;
    if name.as_str() != user.name {
        let mut tx = AccountTx::personal(&state.store, caller.actor()).await?;
        set_name(tx.tx(), user.id, name.as_str()).await?;
        let payload = json!({ "name": { "from": user.name, "to": name.as_str() } });
        tx.commit(Change::new(
            Event::UserProfileUpdated,
            Target::User(user.id),
            payload,
        ))
        .await?;
    }
    let mut caller = caller;
    caller.user.name = name.as_str().to_owned();
    me(State(state), caller).await
}

/// Changes the password after checking the current one. Every session of the
/// user ends (signed in elsewhere, one is signed out there) and a new one
/// starts here, its cookie sent with the answer; a notice is mailed. Wrong
/// current passwords count against the same budget as failed sign-ins.
#[utoipa::path(put, path = "/api/me/password", tag = "me", request_body = ChangePasswordRequest, responses(
    (status = 204, description = "Changed; every session ended; sets a new session cookie"),
    (status = 422, description = "`validation`: the current password is wrong, or the new one is not a valid password", body = Problem, content_type = "application/problem+json"),
    (status = 429, description = "`rate_limited`, with Retry-After", body = Problem, content_type = "application/problem+json")))]
pub async fn change_password(
    State(state): State<AppState>,
    caller: AuthUser,
    ClientInfo(client): ClientInfo,
    ApiJson(request): ApiJson<ChangePasswordRequest>,
) -> ApiResult<Response> {
    let user = &caller.user;
    let new_password = request.validate().map_err(ApiError::Invalid)?;
    if !password_matches(&state, user, &request.current_password).await? {
        let wrong = FieldError::new("current_password", "is not your current password");
        return Err(ApiError::Invalid(vec![wrong]));
    }
    let hash = hash_password(new_password.expose().to_owned()).await?;
    let mut tx = AccountTx::personal(&state.store, caller.actor()).await?;
    let now = tx.now();
    set_password(tx.tx(), user.id, &hash).await?;
    let ended = delete_sessions_of(tx.tx(), user.id).await?;
    let token = start_session(tx.tx(), user.id, &client, now, state.config.session_ttl).await?;
    let payload = json!({ "sessions_ended": ended });
    tx.commit(Change::new(
        Event::UserPasswordChanged,
        Target::User(user.id),
        payload,
    ))
    .await?;
    state
        .mail(templates::password_changed_notice(
            &user.email,
            &user.name,
            PasswordChange::Changed,
            now,
        ))
        .await;
    let mut response = StatusCode::NO_CONTENT.into_response();
    set_cookie(&mut response, &session_cookie(&state, &token));
    Ok(response)
}

/// Asks to change the address: a link goes to the new one (the address
/// changes when it is followed) and a notice to the current one.
#[utoipa::path(put, path = "/api/me/email", tag = "me", request_body = ChangeEmailRequest, responses(
    (status = 202, description = "A confirmation link was mailed to the new address"),
    Unauthenticated,
    (status = 403, description = "`password_incorrect`", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "`email_taken`", body = Problem, content_type = "application/problem+json"),
    Invalid,
    (status = 429, description = "`rate_limited`, with Retry-After", body = Problem, content_type = "application/problem+json")))]
pub async fn change_email(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiJson(request): ApiJson<ChangeEmailRequest>,
) -> ApiResult<StatusCode> {
    let user = &caller.user;
    let email = request.validate(&user.email).map_err(ApiError::Invalid)?;
    if !password_matches(&state, user, &request.password).await? {
        return Err(ApiError::denied(
            ErrorCode::PasswordIncorrect,
            "The password is wrong.",
        ));
    }
    let mut tx = AccountTx::personal(&state.store, caller.actor()).await?;
    if email_taken(tx.tx(), email.as_str()).await? {
        return Err(ApiError::denied(
            ErrorCode::EmailTaken,
            "Another account has this email.",
        ));
    }
    let (ttl, now) = (state.config.email_verification_ttl, tx.now());
    let token = issue_link(
        tx.tx(),
        user.id,
        TokenPurpose::ChangeEmail,
        email.as_str(),
        ttl,
        now,
    )
    .await?;
    let payload = json!({ "to": email.as_str() });
    tx.commit(Change::new(
        Event::UserEmailChangeRequested,
        Target::User(user.id),
        payload,
    ))
    .await?;
    let base = state.config.base_url();
    state
        .mail(templates::confirm_new_email(
            &base,
            email.as_str(),
            &user.name,
            &token,
            ttl,
        ))
        .await;
    state
        .mail(templates::email_change_notice(
            &user.email,
            &user.name,
            email.as_str(),
        ))
        .await;
    Ok(StatusCode::ACCEPTED)
}

/// Mails a fresh verification link (the older ones stop working).
#[utoipa::path(post, path = "/api/me/verification-email", tag = "me", responses(
    (status = 202, description = "A new link is on its way"),
    Unauthenticated,
    (status = 409, description = "`already_verified`", body = Problem, content_type = "application/problem+json"),
    (status = 429, description = "`rate_limited`, with Retry-After", body = Problem, content_type = "application/problem+json")))]
pub async fn resend_verification(
    State(state): State<AppState>,
    caller: AuthUser,
) -> ApiResult<StatusCode> {
    let user = &caller.user;
    if user.email_verified() {
        return Err(ApiError::denied(
            ErrorCode::AlreadyVerified,
            format!("{} is verified already.", user.email),
        ));
    }
    let (now, ttl) = (now(), state.config.email_verification_ttl);
    let limit = RateLimit {
        max: state.config.verification_mails_per_hour,
        window_seconds: 3600,
    };
    let bucket = format!("verify-mail:{}", user.id);
    state.store.check_rate(&bucket, limit, now).await?;
    state.store.hit_rate(&bucket, now).await?;
    let token = crate::secrets::random_token();
    let link = crate::store::auth::EmailToken {
        user: user.id,
        purpose: TokenPurpose::VerifyEmail,
        email: user.email.clone(),
        expires_at: now.plus_seconds(ttl),
    };
    state
        .store
        .issue_token(&crate::secrets::token_hash(&token), &link, now)
        .await?;
    state
        .mail(templates::verify_email(
            &state.config.base_url(),
            &user.email,
            &user.name,
            &token,
            ttl,
        ))
        .await;
    Ok(StatusCode::ACCEPTED)
}

/// The user's sessions, newest first, this one marked `current`.
#[utoipa::path(get, path = "/api/me/sessions", tag = "me", responses(
    (status = 200, description = "Every signed-in session", body = SessionsView),
    Unauthenticated))]
pub async fn list_sessions(
    State(state): State<AppState>,
    caller: AuthUser,
) -> ApiResult<Json<SessionsView>> {
    let sessions = state.store.sessions_of(caller.user.id, now()).await?;
    let items = sessions
        .into_iter()
        .map(|s| SessionView {
            current: caller.session.as_deref() == Some(s.id.as_str()),
            device: device_label(&s.user_agent),
            id: s.id,
            created_at: s.created_at,
            last_seen_at: s.last_seen_at,
            ip: s.ip,
            user_agent: s.user_agent,
        })
        .collect();
    Ok(Json(SessionsView { items }))
}

/// Signs one session out, at once, on every server.
#[utoipa::path(delete, path = "/api/me/sessions/{session_id}", tag = "me",
    params(("session_id" = String, Path, description = "Session id")),
    responses((status = 204, description = "Signed out"), Unauthenticated, NotFound))]
pub async fn revoke_session(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(session): ApiPath<String>,
) -> ApiResult<StatusCode> {
    let mut tx = AccountTx::personal(&state.store, caller.actor()).await?;
    if !delete_session_by_id(tx.tx(), caller.user.id, &session).await? {
        return Err(ApiError::NotFound("session"));
    }
    let payload = json!({ "session": session, "sessions": 1 });
    tx.commit(Change::new(
        Event::UserSessionRevoked,
        Target::User(caller.user.id),
        payload,
    ))
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Signs every other session out ("sign out everywhere else").
#[utoipa::path(delete, path = "/api/me/sessions", tag = "me",
    responses((status = 204, description = "Every other session signed out"), Unauthenticated))]
pub async fn revoke_other_sessions(
    State(state): State<AppState>,
    caller: AuthUser,
) -> ApiResult<StatusCode> {
    let Some(current) = caller.session.clone() else {
        return Err(ApiError::Unauthenticated("Sign in first."));
    };
    let mut tx = AccountTx::personal(&state.store, caller.actor()).await?;
    let ended = delete_other_sessions(tx.tx(), caller.user.id, &current).await?;
    if ended == 0 {
        tx.unchanged();
        return Ok(StatusCode::NO_CONTENT);
    }
    let payload = json!({ "sessions": ended, "kept": current });
    tx.commit(Change::new(
        Event::UserSessionRevoked,
        Target::User(caller.user.id),
        payload,
    ))
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What deleting the user would do to each of their organizations.
#[utoipa::path(get, path = "/api/me/deletion", tag = "me", responses(
    (status = 200, description = "Deleted with the user, left, or waiting for another Owner", body = DeletionPlanView),
    Unauthenticated))]
pub async fn get_deletion_plan(
    State(state): State<AppState>,
    caller: AuthUser,
) -> ApiResult<Json<DeletionPlanView>> {
    let memberships = state.store.memberships_of(caller.user.id).await?;
    Ok(Json(deletion_plan(&memberships)))
}

/// Deletes the signed-in user after checking their password (SPEC §14).
#[utoipa::path(delete, path = "/api/me", tag = "me", request_body = DeleteUserRequest, responses(
    (status = 204, description = "Deleted; the session cookie is cleared"),
    Unauthenticated,
    (status = 403, description = "`password_incorrect`", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "`last_owner`: `errors` names each organization (its id as `field`)", body = Problem, content_type = "application/problem+json"),
    (status = 429, description = "`rate_limited`, with Retry-After", body = Problem, content_type = "application/problem+json")))]
pub async fn delete_me(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiJson(request): ApiJson<DeleteUserRequest>,
) -> ApiResult<Response> {
    let user = &caller.user;
    if !password_matches(&state, user, &request.password).await? {
        return Err(ApiError::denied(
            ErrorCode::PasswordIncorrect,
            "The password is wrong.",
        ));
    }
    users::delete_user(&state.store, user, now()).await?;
    tracing::info!(user = %user.id, "deleted their user");
    state
        .mail(templates::account_deleted_notice(&user.email, &user.name))
        .await;
    let mut response = StatusCode::NO_CONTENT.into_response();
    set_cookie(&mut response, &cleared_cookie(&state));
    Ok(response)
}
