//! The HTTP API: one module per resource, each with its `router()`.

mod accounts;
mod activity;
mod api_keys;
mod auth;
mod billing;
mod catalog;
pub mod extract;
mod instances;
mod invitations;
mod members;
pub mod openapi;
mod ops;
mod pagination;
mod security;
mod teams;

use crate::config::Config;
use crate::error::{problem_response, ApiError};
use crate::store::Store;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use domain::Timestamp;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};
use tower_http::services::{ServeDir, ServeFile};

/// What every handler may use.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    pub metrics: Arc<ops::Metrics>,
    pub mailer: crate::mail::Mailer,
    /// A real argon2id hash to verify against when an email is unknown, so a
    /// failed sign-in takes the same work either way.
    pub decoy_hash: Arc<String>,
    /// Takes the payments that add funds.
    pub payments: Arc<dyn crate::payments::PaymentProvider>,
    /// The Content-Security-Policy, with the hash of the built app's start script.
    pub csp: HeaderValue,
}

impl AppState {
    pub async fn new(store: Store, config: Config) -> Result<Self, ApiError> {
        let decoy_hash = crate::secrets::hash_password(crate::secrets::random_token()).await?;
        let mailer = crate::mail::Mailer::from_config(&config).map_err(ApiError::Internal)?;
        Ok(Self {
            store,
            metrics: Arc::new(ops::Metrics::default()),
            mailer,
            decoy_hash: Arc::new(decoy_hash),
            payments: Arc::new(crate::payments::SimulatedProvider),
            csp: security::content_security_policy(&config.app_dir),
            config: Arc::new(config),
        })
    }
}

/// The current time.
pub fn now() -> Timestamp {
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    Timestamp::from_millis(millis)
}

/// The whole application: API, operations endpoints and the built app.
pub fn app(state: AppState) -> Router {
    let api = Router::new()
        .merge(auth::router())
        .merge(accounts::router())
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
    let index = state.config.app_dir.join("index.html");
    let app_files = ServeDir::new(&state.config.app_dir).fallback(ServeFile::new(index));
    Router::new()
        .nest("/api", api)
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

async fn api_not_found() -> ApiError {
    ApiError::NotFound("endpoint")
}

async fn api_method_not_allowed() -> Response {
    let problem = domain::Problem::with_status(
        domain::ErrorCode::Validation,
        405,
        "This endpoint does not accept this method.",
    );
    problem_response(&problem)
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

/// `201 Created` with a `Location` and a JSON body.
pub fn created<T: serde::Serialize>(location: String, body: T) -> Response {
    let mut response = (StatusCode::CREATED, axum::Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}
