//! Answers every resource shares: `201 Created`, and the problem responses
//! most operations document (RFC 9457 problem+json), declared once for the
//! OpenAPI document. A leaf: it depends on no other `http` module.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::Problem;
use utoipa::IntoResponses;

/// `201 Created` with a `Location` and a JSON body.
pub fn created<T: serde::Serialize>(location: String, body: T) -> Response {
    let mut response = (StatusCode::CREATED, axum::Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// `unauthenticated`: no valid session or API key (the detail says which and why).
#[derive(IntoResponses)]
#[response(status = 401, content_type = "application/problem+json")]
pub struct Unauthenticated(#[allow(dead_code)] /* only the OpenAPI derive reads it */ pub  Problem);

/// `forbidden`: a member lacking the permission; the detail says who may.
#[derive(IntoResponses)]
#[response(status = 403, content_type = "application/problem+json")]
pub struct Forbidden(#[allow(dead_code)] /* only the OpenAPI derive reads it */ pub  Problem);

/// `not_found`: missing, or not visible to the caller (non-members get this, never 403).
#[derive(IntoResponses)]
#[response(status = 404, content_type = "application/problem+json")]
pub struct NotFound(#[allow(dead_code)] /* only the OpenAPI derive reads it */ pub  Problem);

/// `validation`: every invalid field is listed in `errors`.
#[derive(IntoResponses)]
#[response(status = 422, content_type = "application/problem+json")]
pub struct Invalid(#[allow(dead_code)] /* only the OpenAPI derive reads it */ pub  Problem);
