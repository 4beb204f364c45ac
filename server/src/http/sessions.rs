//! What signing in and confirming with a password share: the session cookie,
//! the signed-in answer, and the failed-password budget (a leaf: `auth` and
//! `me` both use it).

use super::extract::SESSION_COOKIE;
use super::state::AppState;
use crate::clock;
use crate::error::ApiResult;
use crate::secrets::verify_password;
use crate::store::{RateLimit, UserRow};
use axum::http::{header, HeaderValue};
use axum::response::Response;
use domain::api::AuthResponse;

/// The `Set-Cookie` value of a new session.
pub fn session_cookie(state: &AppState, token: &str) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        state.config.session_ttl,
        secure(state)
    )
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
        user: user.view(),
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
