//! The public client API used by the widget and embeds: no credentials,
//! rate-limited per client address (see `crate::rate_limit`).

use super::error::ApiResult;
use super::extract::ApiJson;
use super::openapi::Problem;
use super::problems::{Idempotent, JsonBody};
use app::backend::services::responses::intake;
use app::backend::AppState;
use app::domain::response::{ResponseInput, ResponsePatch, SurveyResponse};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderName, Method, StatusCode};
use axum::Json;
use serde::Serialize;
use tower_http::cors::{AllowOrigin, CorsLayer};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Browsers on any site may reach the client API (it takes no cookies and no
/// credentials); each survey's allowed sites then decide (`check_site`).
pub fn router() -> OpenApiRouter<AppState> {
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::any())
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION, HeaderName::from_static("idempotency-key")])
        .max_age(std::time::Duration::from_secs(3600));
    OpenApiRouter::new()
        .routes(routes!(submit))
        .routes(routes!(continue_response))
        .routes(routes!(embed_config))
        .layer(cors.allow_methods([Method::GET, Method::POST, Method::PATCH]))
}

/// The origin of a page on another site calling from a browser; `None` for
/// Vox's own pages (same origin) and for callers that are not browsers.
pub fn calling_site(headers: &HeaderMap) -> Option<String> {
    let origin = headers.get(header::ORIGIN)?.to_str().ok()?;
    if headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("same-origin") {
        return None;
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let same = origin.split_once("://").is_some_and(|(_, rest)| rest.eq_ignore_ascii_case(host));
    (!same).then(|| origin.to_string())
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct EmbedConfig {
    id: String,
    name: String,
    placement: app::domain::embed::Placement,
    trigger: app::domain::embed::Trigger,
    recontact_days: u32,
}

/// How a survey shows on this site
///
/// Used by `/embed.js`: where and when to show the survey. Answers 403 when
/// the calling site (its `Origin`) is not one the survey allows.
#[utoipa::path(get, path = "/api/client/surveys/{id}/embed", tag = "client",
    params(("id" = String, Path, description = "Survey id (`srv_…`)")),
    security(()),
    responses(
        (status = 200, description = "The survey may be shown here", body = EmbedConfig),
        (status = 403, description = "Not allowed on the calling site", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such published survey", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests from this address", body = Problem, content_type = "application/problem+json"),
    ))]
async fn embed_config(
    State(state): State<AppState>,
    Path(survey_id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Json<EmbedConfig>> {
    let survey = app::backend::services::surveys::get_public_closing_if_due(&state.db, &survey_id).await?;
    app::backend::services::surveys::check_site(&survey, calling_site(&headers).as_deref())?;
    let embed = survey.options.embed;
    Ok(Json(EmbedConfig {
        id: survey.id,
        name: survey.name,
        placement: embed.placement,
        trigger: embed.trigger,
        recontact_days: embed.recontact_days,
    }))
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
        (status = 403, description = "Called from a site the survey does not allow", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such published survey", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid answers, or the survey is closed; `errors` names each field", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests from this address", body = Problem, content_type = "application/problem+json"),
        JsonBody, Idempotent,
    ))]
async fn submit(
    State(state): State<AppState>,
    Path(survey_id): Path<String>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<ResponseInput>,
) -> ApiResult<(StatusCode, [(header::HeaderName, String); 1], Json<Submitted>)> {
    let response = intake::submit(&state, &survey_id, input, calling_site(&headers).as_deref()).await?;
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
        (status = 403, description = "Called from a site the survey does not allow", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such response, or the token is not for it", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The response can no longer be changed (older than 24 hours), or changed at the same time", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid answers or metadata, a closed survey, or a completed response's answers", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests from this address", body = Problem, content_type = "application/problem+json"),
        JsonBody,
    ))]
async fn continue_response(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(patch): ApiJson<ResponsePatch>,
) -> ApiResult<Json<SurveyResponse>> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    let site = calling_site(&headers);
    Ok(Json(intake::continue_response(&state, &id, token, patch, site.as_deref()).await?))
}
