//! RFC 9457 problem details for every error the API returns.

use app::domain::{AppError, FieldError};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// An error on its way out of a REST handler.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

#[derive(Serialize)]
struct Problem<'a> {
    #[serde(rename = "type")]
    kind: String,
    title: &'a str,
    status: u16,
    detail: String,
    code: &'a str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [FieldError],
    /// `quota_exceeded`: which quota.
    #[serde(skip_serializing_if = "Option::is_none")]
    quota: Option<&'a str>,
    /// `second_factor_required`: the ticket for `POST /api/auth/login/second-factor`.
    #[serde(skip_serializing_if = "Option::is_none")]
    ticket: Option<&'a str>,
}

fn title_for(status: u16) -> &'static str {
    StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("Error")
}

/// Builds a problem+json response; used for handler errors and for the
/// framework's own 404/405/413 answers under `/api`.
pub fn problem(status: u16, code: &str, detail: String, errors: &[FieldError]) -> Response {
    problem_with(status, code, detail, errors, None, None)
}

fn problem_with(
    status: u16,
    code: &str,
    detail: String,
    errors: &[FieldError],
    quota: Option<&str>,
    ticket: Option<&str>,
) -> Response {
    let body = Problem {
        kind: format!("/docs/api#problem-{code}"),
        title: title_for(status),
        status,
        detail,
        code,
        errors,
        quota,
        ticket,
    };
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, serde_json::to_string(&body).unwrap_or_default()).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    response
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.0;
        let detail = match &e {
            AppError::Validation { errors } => {
                let fields: Vec<&str> = errors.iter().map(|f| f.field.as_str()).collect();
                format!("invalid fields: {}", fields.join(", "))
            }
            other => other.to_string(),
        };
        let errors = match &e {
            AppError::Validation { errors } => errors.as_slice(),
            _ => &[],
        };
        let (quota, ticket) = match &e {
            AppError::QuotaExceeded { quota, .. } => (Some(quota.as_str()), None),
            AppError::SecondFactorRequired { ticket } => (None, Some(ticket.as_str())),
            _ => (None, None),
        };
        let mut response = problem_with(e.status(), e.code(), detail, errors, quota, ticket);
        match e {
            AppError::RateLimited { retry_after_secs } | AppError::QuotaExceeded { retry_after_secs, .. } => {
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            }
            AppError::Unauthorized => {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"vox\""));
            }
            _ => {}
        }
        response
    }
}
