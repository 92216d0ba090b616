//! The public client API used by the widget and embeds: no credentials,
//! rate-limited per client address (see `crate::rate_limit`).

use super::error::ApiResult;
use super::extract::ApiJson;
use super::openapi::Problem;
use app::backend::services::{response_updates, responses};
use app::backend::AppState;
use app::domain::response::{ResponseInput, ResponsePatch, SurveyResponse};
use axum::extract::{Path, State};
use axum::http::{header, HeaderName, Method, StatusCode};
use axum::Json;
use serde::Serialize;
use tower_http::cors::{AllowOrigin, CorsLayer};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Any site may call the client API from a browser: it takes no cookies and
/// no credentials, only a survey id. (Per-survey origin allow-lists narrow this.)
pub fn router() -> OpenApiRouter<AppState> {
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::any())
        .allow_methods([Method::POST, Method::PATCH])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION, HeaderName::from_static("idempotency-key")])
        .max_age(std::time::Duration::from_secs(3600));
    OpenApiRouter::new().routes(routes!(submit)).routes(routes!(continue_response)).layer(cors)
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct Submitted {
    /// The new response's id (`rsp_…`).
    id: String,
    /// Lets this respondent continue the response (`PATCH /api/client/responses/{id}`
    /// with `Authorization: Bearer <responseToken>`) for 24 hours.
    response_token: String,
}

/// Submit a response
///
/// Used by the survey widget and embeds: no credentials, rate-limited per
/// client address, callable from any origin. Answers are checked against the
/// survey's questions; only published surveys accept responses.
#[utoipa::path(post, path = "/api/client/surveys/{id}/responses", tag = "client", request_body = ResponseInput,
    params(
        ("id" = String, Path, description = "Survey id (`srv_…`)"),
        ("Idempotency-Key" = Option<String>, Header, description = "Repeat a request safely: the first result is replayed for 24 hours (with `Idempotent-Replayed: true`)"),
    ),
    security(()),
    responses(
        (status = 201, description = "Stored", body = Submitted,
            headers(("Location" = String, description = "The response's URL (readable with responses:read)"))),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such published survey", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Idempotency-Key reused with another body, or its first request still running", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid answers, or the survey is closed; `errors` names each field", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests from this address", body = Problem, content_type = "application/problem+json"),
    ))]
async fn submit(
    State(state): State<AppState>,
    Path(survey_id): Path<String>,
    ApiJson(input): ApiJson<ResponseInput>,
) -> ApiResult<(StatusCode, [(header::HeaderName, String); 1], Json<Submitted>)> {
    let response = responses::submit(&state, &survey_id, input).await?;
    let location = [(header::LOCATION, format!("/api/responses/{}", response.id))];
    let response_token = state.response_tokens.issue(&response.id);
    Ok((StatusCode::CREATED, location, Json(Submitted { id: response.id, response_token })))
}

/// Continue a response
///
/// With the `responseToken` from creating it: add or change answers (merged;
/// `null` clears one), attach metadata (merged, later keys win; allowed after
/// completion too), or complete it. Answers of a completed response are final.
#[utoipa::path(patch, path = "/api/client/responses/{id}", tag = "client", request_body = ResponsePatch,
    params(("id" = String, Path, description = "Response id (`rsp_…`)")),
    security(("responseToken" = [])),
    responses(
        (status = 200, description = "The response as it now stands", body = SurveyResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such response, or the token is not for it", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The response can no longer be changed (older than 24 hours), or changed at the same time", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid answers or metadata, a closed survey, or a completed response's answers", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests from this address", body = Problem, content_type = "application/problem+json"),
    ))]
async fn continue_response(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
    ApiJson(patch): ApiJson<ResponsePatch>,
) -> ApiResult<Json<SurveyResponse>> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    Ok(Json(response_updates::continue_response(&state, &id, token, patch).await?))
}
