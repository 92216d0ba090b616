//! `/api/surveys`: create, list, read, update and delete surveys.

use super::error::{ApiError, ApiResult};
use super::extract::{ApiJson, Caller, PageParams, Pagination};
use super::openapi::Problem;
use super::problems::{BadPage, Idempotent, JsonBody, TokenAuth};
use app::backend::services::surveys;
use app::backend::AppState;
use app::domain::page::Paginated;
use app::domain::scope::Scope;
use app::domain::survey::{Survey, SurveyDraft, SurveyPatch};
use app::domain::AppError;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(read, update, remove))
}

fn etag(survey: &Survey) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{}\"", survey.version)).expect("digits and quotes are a valid header")
}

/// The version an `If-Match` header asks for; `*` or absent means any.
pub(super) fn if_match(headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    let Some(value) = headers.get(header::IF_MATCH) else { return Ok(None) };
    let text = value.to_str().unwrap_or("").trim();
    if text == "*" {
        return Ok(None);
    }
    text.trim_start_matches("W/")
        .trim_matches('"')
        .parse()
        .map(Some)
        .map_err(|_| ApiError(AppError::field("If-Match", "must be an ETag returned by this API, e.g. \"3\"")))
}

fn with_etag(survey: Survey) -> Response {
    let tag = etag(&survey);
    ([(header::ETAG, tag)], Json(survey)).into_response()
}

/// List surveys
#[utoipa::path(get, path = "/api/surveys", tag = "surveys", params(PageParams),
    security(("bearer" = ["surveys:read"]), ("session" = [])),
    responses(
        (status = 200, description = "A page of surveys, newest first", body = Paginated<Survey>),
        TokenAuth, BadPage,
    ))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Pagination(page): Pagination,
) -> ApiResult<Json<Paginated<Survey>>> {
    caller.require(Scope::SurveysRead)?;
    Ok(Json(surveys::list(&state.db, caller.organization_id(), page).await?))
}

/// Create a survey
#[utoipa::path(post, path = "/api/surveys", tag = "surveys", request_body = SurveyDraft,
    params(
        ("Idempotency-Key" = Option<String>, Header, description = "Repeat a request safely: the first result is replayed for 24 hours (with `Idempotent-Replayed: true`)"),
    ),
    security(("bearer" = ["surveys:write"]), ("session" = [])),
    responses(
        (status = 201, description = "Created", body = Survey,
            headers(("Location" = String, description = "The survey's URL"), ("ETag" = String, description = "Its version"))),
        (status = 422, description = "Invalid survey; `errors` names each field", body = Problem, content_type = "application/problem+json"),
        JsonBody, TokenAuth, Idempotent,
    ))]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(draft): ApiJson<SurveyDraft>,
) -> ApiResult<Response> {
    caller.require(Scope::SurveysWrite)?;
    let survey = surveys::create(&state.db, caller.organization_id(), draft).await?;
    let location = format!("/api/surveys/{}", survey.id);
    let tag = etag(&survey);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, HeaderValue::from_str(&location).expect("ids are ASCII")), (header::ETAG, tag)],
        Json(survey),
    )
        .into_response())
}

/// Get a survey
#[utoipa::path(get, path = "/api/surveys/{id}", tag = "surveys",
    params(("id" = String, Path, description = "Survey id (`srv_…`)")),
    security(("bearer" = ["surveys:read"]), ("session" = [])),
    responses(
        (status = 200, description = "The survey", body = Survey, headers(("ETag" = String, description = "Its version"))),
        (status = 404, description = "No such survey in your organisation", body = Problem, content_type = "application/problem+json"),
        TokenAuth,
    ))]
async fn read(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult<Response> {
    caller.require(Scope::SurveysRead)?;
    Ok(with_etag(surveys::get(&state.db, caller.organization_id(), &id).await?))
}

/// Update a survey
///
/// Absent fields stay as they are. Send `If-Match` with the ETag you read so
/// a concurrent edit is never silently overwritten (412 when it changed).
#[utoipa::path(patch, path = "/api/surveys/{id}", tag = "surveys", request_body = SurveyPatch,
    params(
        ("id" = String, Path, description = "Survey id (`srv_…`)"),
        ("If-Match" = Option<String>, Header, description = "The ETag you read, e.g. `\"3\"`"),
    ),
    security(("bearer" = ["surveys:write"]), ("session" = [])),
    responses(
        (status = 200, description = "The updated survey", body = Survey, headers(("ETag" = String, description = "Its new version"))),
        (status = 404, description = "No such survey in your organisation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Changed concurrently", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "If-Match does not match the current version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid result; `errors` names each field", body = Problem, content_type = "application/problem+json"),
        JsonBody, TokenAuth,
    ))]
async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(patch): ApiJson<SurveyPatch>,
) -> ApiResult<Response> {
    caller.require(Scope::SurveysWrite)?;
    let expected = if_match(&headers)?;
    Ok(with_etag(surveys::update(&state.db, caller.organization_id(), &id, patch, expected).await?))
}

/// Delete a survey and its responses
#[utoipa::path(delete, path = "/api/surveys/{id}", tag = "surveys",
    params(("id" = String, Path, description = "Survey id (`srv_…`)")),
    security(("bearer" = ["surveys:write"]), ("session" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such survey in your organisation", body = Problem, content_type = "application/problem+json"),
        TokenAuth,
    ))]
async fn remove(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult<StatusCode> {
    caller.require(Scope::SurveysWrite)?;
    surveys::delete(&state.db, caller.organization_id(), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
