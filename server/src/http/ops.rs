//! Operations: liveness, readiness and Prometheus metrics.

use super::state::AppState;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::fmt::Write as _;
use std::time::Instant;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
}

/// Counts and times every request.
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let method = request.method().as_str().to_owned();
    let started = Instant::now();
    state.metrics.started();
    let response = next.run(request).await;
    state
        .metrics
        .finished(method, response.status().as_u16(), started.elapsed());
    response
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, description = "Alive", body = String)))]
pub async fn healthz() -> &'static str {
    "ok"
}

/// The process can serve: its database answers.
#[utoipa::path(get, path = "/readyz", tag = "operations", responses(
    (status = 200, description = "Ready", body = String),
    (status = 503, description = "The database does not answer", body = String)))]
pub async fn readyz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => "ready".into_response(),
        Err(error) => {
            tracing::warn!(%error, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// Prometheus text format.
#[utoipa::path(get, path = "/metrics", tag = "operations", responses((status = 200, description = "Prometheus metrics", body = String)))]
pub async fn metrics(State(state): State<AppState>) -> Response {
    let mut out = state.metrics.render();
    let pool = state.store.pool();
    out.push_str("# HELP orgspace_db_connections Open database connections, and idle ones.\n");
    out.push_str("# TYPE orgspace_db_connections gauge\n");
    let _ = writeln!(
        out,
        "orgspace_db_connections{{state=\"open\"}} {}",
        pool.size()
    );
    let _ = writeln!(
        out,
        "orgspace_db_connections{{state=\"idle\"}} {}",
        pool.num_idle()
    );
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], out).into_response()
}
