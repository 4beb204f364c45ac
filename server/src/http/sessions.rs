//! What signing in and confirming with a password share: the session cookie,
//! the pending sign-in cookie (a password waiting for its second factor), the
//! signed-in answer, the failed-password budget and failed sign-ins in the log
//! (a leaf: `auth`, `me` and `two_factor` use it).

use super::extract::{cookie, session_token, SESSION_COOKIE};
use super::state::AppState;
use crate::clock;
use crate::error::ApiResult;
use crate::operations::users::{start_session, Client};
use crate::operations::{AccountTx, Change};
use crate::secrets::token_hash;
use crate::secrets::verify_password;
use crate::store::auth::delete_session;
use crate::store::{Actor, RateLimit, Target, UserRow};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::IntoResponse;
use axum::response::Response;
use axum::Json;
use domain::activity::Event;
use domain::api::AuthResponse;
use domain::api::LoginAnswer;
use domain::two_factor::Method;
use domain::UserId;
use serde_json::json;

/// The `Set-Cookie` value of a new session.
pub fn session_cookie(state: &AppState, token: &str) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        state.config.session_ttl,
        secure(state)
    )
}

/// The cookie of a sign-in waiting for its second factor. It is sent only to
/// `/api/auth`, and finds nothing but that pending sign-in.
pub const PENDING_COOKIE: &str = "orgspace_pending";

/// The `Set-Cookie` value of a pending sign-in.
pub fn pending_cookie(state: &AppState, token: &str) -> String {
    format!(
        "{PENDING_COOKIE}={token}; Path=/api/auth; HttpOnly; SameSite=Lax; Max-Age={}{}",
        state.config.pending_sign_in_ttl,
        secure(state)
    )
}

/// The `Set-Cookie` value that clears the pending sign-in cookie.
pub fn cleared_pending_cookie(state: &AppState) -> String {
    format!(
        "{PENDING_COOKIE}=; Path=/api/auth; HttpOnly; SameSite=Lax; Max-Age=0{}",
        secure(state)
    )
}

/// The pending sign-in token the client sent, if any.
pub fn pending_token(headers: &HeaderMap) -> Option<String> {
    cookie(headers, PENDING_COOKIE)
}

/// The `Set-Cookie` value that clears the session cookie.
pub fn cleared_cookie(state: &AppState) -> String {
    format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        secure(state)
    )
}

fn secure(state: &AppState) -> &'static str {
    if state.config.secure_cookies() {
        "; Secure"
    } else {
        ""
    }
}

pub fn set_cookie(response: &mut Response, cookie: &str) {
    if let Ok(value) = HeaderValue::from_str(cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

/// The answer of a sign-in: the user and their accounts, personal first.
pub async fn signed_in_body(state: &AppState, user: &UserRow) -> ApiResult<AuthResponse> {
    let accounts = state.store.accounts_of(user.id).await?;
    Ok(AuthResponse {
        user: state.store.user_view(user).await?,
        accounts: accounts.iter().map(|a| a.view()).collect(),
    })
}

/// The bucket and limit of failed passwords for `email`: sign-ins and every
/// confirmation by password share it.
pub fn password_failures(state: &AppState, email: &str) -> (String, RateLimit) {
    let limit = RateLimit {
        max: state.config.login_failures_per_email,
        window_seconds: state.config.login_failure_window,
    };
    (format!("login-fail:{email}"), limit)
}

/// Ends a sign-in inside its transaction: the request's previous session
/// ends, a new one starts, the sign-in is logged (with the second factor, if
/// one was asked) and the answer carries the new session's cookie.
pub async fn finish_sign_in(
    state: &AppState,
    mut tx: AccountTx,
    user: &UserRow,
    client: &Client,
    headers: &HeaderMap,
    second_factor: Option<Method>,
) -> ApiResult<Response> {
    if let Some(old) = session_token(headers) {
        delete_session(tx.tx(), &token_hash(&old)).await?;
    }
    let now = tx.now();
    let token = start_session(tx.tx(), user.id, client, now, state.config.session_ttl).await?;
    let mut payload = json!({ "client": client.ip, "user_agent": client.user_agent });
    if let Some(method) = second_factor {
        payload["second_factor"] = json!(method.id());
    }
    tx.commit(Change::new(
        Event::UserSignedIn,
        Target::User(user.id),
        payload,
    ))
    .await?;
    let body = LoginAnswer::SignedIn(signed_in_body(state, user).await?);
    let mut response = Json(body).into_response();
    set_cookie(&mut response, &session_cookie(state, &token));
    Ok(response)
}

/// Writes a failed sign-in to the user's log after the answer, so a wrong
/// password for a registered email takes as long as for an unknown one. A
/// wrong second factor names the method.
pub fn record_failed_sign_in(
    state: &AppState,
    user: UserId,
    client: Client,
    method: Option<Method>,
) {
    let store = state.store.clone();
    tokio::spawn(async move {
        let recorded = async {
            let tx = AccountTx::personal(&store, Actor::user(user)).await?;
            let mut payload = json!({ "client": client.ip, "user_agent": client.user_agent });
            if let Some(method) = method {
                payload["second_factor"] = json!(method.id());
            }
            tx.commit(Change::new(
                Event::UserSignInFailed,
                Target::User(user),
                payload,
            ))
            .await
        };
        if let Err(error) = recorded.await {
            tracing::warn!(%error, %user, "a failed sign-in was not recorded");
        }
    });
}

/// Whether `password` is `user`'s: 429 once too many were wrong; a wrong one
/// counts against the same budget as a failed sign-in.
pub async fn password_matches(state: &AppState, user: &UserRow, password: &str) -> ApiResult<bool> {
    let now = clock::now();
    let (bucket, limit) = password_failures(state, &user.email);
    state.store.check_rate(&bucket, limit, now).await?;
    let matches = verify_password(password.to_owned(), user.password_hash.clone()).await?;
    if !matches {
        state.store.hit_rate(&bucket, now).await?;
    }
    Ok(matches)
}
