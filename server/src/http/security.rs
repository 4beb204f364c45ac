//! Cross-site request forgery defence and security headers (the policy itself
//! is `csp`'s).

use super::state::AppState;
use crate::error::ApiError;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Refuses a state-changing request sent from another site: `Sec-Fetch-Site:
/// cross-site`, or an `Origin` that is neither this server (by its `Host`) nor the
/// configured public URL. The one exception is SAML's assertion consumer
/// service, which a provider's page posts to from its own site by design; a
/// post there signs in only with the provider's signed answer to the request
/// this very browser started (`http::sso`).
pub async fn csrf(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) || request.uri().path() == super::sso::SAML_ACS_PATH;
    if !safe {
        let headers = request.headers();
        let cross_site = headers
            .get("sec-fetch-site")
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"cross-site"));
        let foreign_origin = headers.get(header::ORIGIN).is_some_and(|origin| {
            let origin = origin.to_str().unwrap_or_default();
            let host = headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or_default();
            let same_host = origin
                .split_once("://")
                .is_some_and(|(_, rest)| !host.is_empty() && rest.eq_ignore_ascii_case(host));
            let public = state
                .config
                .public_url
                .as_deref()
                .is_some_and(|url| url.trim_end_matches('/').eq_ignore_ascii_case(origin));
            !(same_host || public)
        });
        if cross_site || foreign_origin {
            return ApiError::denied(
                domain::ErrorCode::Forbidden,
                "This request came from another site and was refused.",
            )
            .into_response();
        }
    }
    next.run(request).await
}

/// Headers every answer carries.
pub async fn headers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    headers.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    headers.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    headers.insert("content-security-policy", state.csp.clone());
    response
}
