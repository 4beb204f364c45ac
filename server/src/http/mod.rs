//! The HTTP API: one module per resource, each with its `router()`, named as
//! the `store` module and the `domain::api` types of that resource are.
//!
//! This file only assembles them. Resources depend on `state`, `extract`,
//! `responses` and `pagination`, and on `crate::operations` for changes; they
//! never depend on each other or on this file.

mod accounts;
mod activity;
mod api_keys;
mod app_files;
mod auth;
mod billing;
mod catalog;
mod csp;
mod domains;
pub mod extract;
mod hierarchy;
mod instances;
mod invitations;
mod me;
mod members;
mod metrics;
pub mod openapi;
mod ops;
mod pagination;
mod responses;
mod security;
mod sessions;
mod sso;
mod state;
mod teams;
mod two_factor;

pub use state::AppState;

use crate::error::{problem_response, ApiError};
use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use tower_http::compression::predicate::{DefaultPredicate, Predicate, SizeAbove};
use tower_http::compression::CompressionLayer;

/// The whole application: API, operations endpoints and the built app.
pub fn app(state: AppState) -> Router {
    let api = Router::new()
        .merge(auth::router())
        .merge(me::router())
        .merge(two_factor::router())
        .merge(accounts::router())
        .merge(hierarchy::router())
        .merge(domains::router())
        .merge(sso::router())
        .merge(catalog::router())
        .merge(members::router())
        .merge(invitations::router())
        .merge(teams::router())
        .merge(instances::router())
        .merge(billing::router())
        .merge(api_keys::router())
        .merge(activity::router())
        .merge(openapi::router())
        .fallback(api_not_found)
        .method_not_allowed_fallback(api_method_not_allowed);
    let app_files = app_files::service(&state.config.app_dir);
    Router::new()
        .nest("/api", api.layer(compression()))
        .merge(ops::router())
        .fallback_service(app_files)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::csrf,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::headers,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), ops::track))
        .layer(middleware::from_fn(problem_for_bare_errors))
        .with_state(state)
}

/// API answers compressed when the client accepts it and they are large
/// enough to gain (lists, exports; SPEC §18). Small answers — a created API
/// key's secret among them — go as they are.
fn compression() -> CompressionLayer<impl Predicate> {
    CompressionLayer::new()
        .br(true)
        .gzip(true)
        .compress_when(DefaultPredicate::new().and(SizeAbove::new(COMPRESS_ABOVE)))
}

/// The smallest answer worth compressing, in bytes.
const COMPRESS_ABOVE: u16 = 1024;

async fn api_not_found() -> ApiError {
    ApiError::NotFound("endpoint")
}

async fn api_method_not_allowed() -> Response {
    problem_response(&domain::Problem::new(
        domain::ErrorCode::MethodNotAllowed,
        "This endpoint does not accept this method.",
    ))
}

/// Turns bare framework errors under `/api` (a body over the size limit, say)
/// into problem documents, so every API answer has the same shape.
async fn problem_for_bare_errors(request: Request, next: Next) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if !is_api || is_problem || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let code = match status {
        StatusCode::NOT_FOUND => domain::ErrorCode::NotFound,
        StatusCode::UNAUTHORIZED => domain::ErrorCode::Unauthenticated,
        StatusCode::FORBIDDEN => domain::ErrorCode::Forbidden,
        StatusCode::TOO_MANY_REQUESTS => domain::ErrorCode::RateLimited,
        StatusCode::METHOD_NOT_ALLOWED => domain::ErrorCode::MethodNotAllowed,
        s if s.is_server_error() => domain::ErrorCode::Internal,
        _ => domain::ErrorCode::Validation,
    };
    let detail = status
        .canonical_reason()
        .unwrap_or("Request failed")
        .to_owned();
    let mut fresh = problem_response(&domain::Problem::with_status(code, status.as_u16(), detail));
    for (name, value) in response.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            fresh.headers_mut().insert(name.clone(), value.clone());
        }
    }
    fresh
}
