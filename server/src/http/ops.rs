//! Operations: liveness, readiness and Prometheus metrics.

use super::state::AppState;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

/// Request counters of this process.
#[derive(Debug, Default)]
pub struct Metrics {
    /// (method, status) → requests.
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    duration_micros: AtomicU64,
    finished: AtomicU64,
    in_flight: AtomicI64,
}

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
    state.metrics.in_flight.fetch_add(1, Ordering::Relaxed);
    let response = next.run(request).await;
    state.metrics.in_flight.fetch_sub(1, Ordering::Relaxed);
    let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    state
        .metrics
        .duration_micros
        .fetch_add(micros, Ordering::Relaxed);
    state.metrics.finished.fetch_add(1, Ordering::Relaxed);
    if let Ok(mut requests) = state.metrics.requests.lock() {
        *requests
            .entry((method, response.status().as_u16()))
            .or_default() += 1;
    }
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
    let m = &state.metrics;
    let mut out = String::new();
    out.push_str(
        "# HELP orgspace_http_requests_total HTTP requests answered, by method and status.\n",
    );
    out.push_str("# TYPE orgspace_http_requests_total counter\n");
    if let Ok(requests) = m.requests.lock() {
        for ((method, status), n) in requests.iter() {
            let _ = writeln!(
                out,
                "orgspace_http_requests_total{{method=\"{method}\",status=\"{status}\"}} {n}"
            );
        }
    }
    out.push_str("# HELP orgspace_http_request_duration_seconds Time spent answering requests.\n");
    out.push_str("# TYPE orgspace_http_request_duration_seconds summary\n");
    let _ = writeln!(
        out,
        "orgspace_http_request_duration_seconds_sum {:.6}",
        m.duration_micros.load(Ordering::Relaxed) as f64 / 1e6
    );
    let _ = writeln!(
        out,
        "orgspace_http_request_duration_seconds_count {}",
        m.finished.load(Ordering::Relaxed)
    );
    out.push_str("# HELP orgspace_http_requests_in_flight Requests being answered now.\n");
    out.push_str("# TYPE orgspace_http_requests_in_flight gauge\n");
    let _ = writeln!(
        out,
        "orgspace_http_requests_in_flight {}",
        m.in_flight.load(Ordering::Relaxed)
    );
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
