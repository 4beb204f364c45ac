//! The server's one error type, answered as RFC 9457 problem+json.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::{Denial, ErrorCode, FieldError, Problem};

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A rule refused (the denial's code gives the status: 403, 409, 410, 422).
    #[error("{0}")]
    Denied(Denial),
    /// A refusal with a problem document of its own (a 409 `last_owner` that
    /// names the organizations in `errors`); its status is the document's.
    #[error("{}", .0.detail)]
    Problem(Problem),
    /// 422 `validation`: the listed fields are invalid.
    #[error("invalid fields")]
    Invalid(Vec<FieldError>),
    /// 400 `validation`: the body is not readable JSON.
    #[error("malformed request: {0}")]
    Malformed(String),
    /// 404 `not_found`: missing, or not visible to the caller.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// 401 `unauthenticated`.
    #[error("{0}")]
    Unauthenticated(&'static str),
    /// 429 `rate_limited`, with `Retry-After` seconds.
    #[error("rate limited")]
    RateLimited { retry_after: i64 },
    /// 500 `internal`: logged with its cause, never sent.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn denied(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::Denied(Denial::new(code, message))
    }

    /// A rule's refusal answered with `status` instead of its code's usual one
    /// (`two_factor_required` is 403 inside an organization, 409 for a change
    /// that would break the policy).
    pub fn with_status(denial: Denial, status: u16) -> Self {
        Self::Problem(Problem::with_status(denial.code, status, denial.message))
    }

    /// The problem document sent for this error.
    pub fn problem(&self) -> Problem {
        match self {
            Self::Denied(denial) => Problem::from(denial.clone()),
            Self::Problem(problem) => problem.clone(),
            Self::Invalid(errors) => Problem::validation(errors.clone()),
            Self::Malformed(detail) => Problem::with_status(ErrorCode::Validation, 400, detail),
            Self::NotFound(what) => {
                let mut what = what.to_string();
                if let Some(first) = what.get_mut(0..1) {
                    first.make_ascii_uppercase();
                }
                Problem::new(ErrorCode::NotFound, format!("{what} not found."))
            }
            Self::Unauthenticated(detail) => Problem::new(ErrorCode::Unauthenticated, *detail),
            Self::RateLimited { retry_after } => Problem::new(
                ErrorCode::RateLimited,
                format!("Too many attempts. Try again in {retry_after} seconds."),
            ),
            Self::Internal(_) => Problem::new(
                ErrorCode::Internal,
                "Something went wrong on our side. Try again; if it keeps failing, contact support.",
            ),
        }
    }
}

impl From<Denial> for ApiError {
    fn from(denial: Denial) -> Self {
        Self::Denied(denial)
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        Self::Internal(format!("database: {error}"))
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(error: rusqlite::Error) -> Self {
        Self::Internal(format!("database: {error}"))
    }
}

impl From<sqlx::migrate::MigrateError> for ApiError {
    fn from(error: sqlx::migrate::MigrateError) -> Self {
        Self::Internal(format!("migration: {error}"))
    }
}

/// A problem document as a response with the right status and content type.
pub fn problem_response(problem: &Problem) -> Response {
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_vec(problem).unwrap_or_default();
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Self::Internal(cause) = &self {
            tracing::error!(%cause, "request failed");
        }
        let mut response = problem_response(&self.problem());
        if let Self::RateLimited { retry_after } = self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after.max(1)));
        }
        response
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
