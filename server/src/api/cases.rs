//! `/api/cases`: responses someone follows up, worked through open →
//! in_progress → resolved → closed, with their history, the inbox's views
//! and counts.

use super::error::ApiResult;
use super::extract::{ApiJson, ApiQuery, Caller, PageParams, Pagination};
use super::openapi::Problem;
use super::problems::{BadPage, JsonBody, NotFound, TokenAuth};
use app::backend::services::cases::{self, Opener};
use app::backend::AppState;
use app::domain::case::{Case, CaseInput, CasePatch, CaseStats, CaseWithHistory};
use app::domain::case_query::CaseQueryText;
use app::domain::page::Paginated;
use app::domain::scope::Scope;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// A case's version for `If-Match`: its `updatedAt` in milliseconds.
fn with_etag(status: StatusCode, case: CaseWithHistory) -> Response {
    let tag = HeaderValue::from_str(&format!("\"{}\"", case.case.updated_at.timestamp_millis()))
        .expect("digits and quotes are a valid header");
    let location = HeaderValue::from_str(&format!("/api/cases/{}", case.case.id)).expect("an id is a valid header");
    let mut response = (status, [(header::ETAG, tag)], Json(case)).into_response();
    if status == StatusCode::CREATED {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(stats)).routes(routes!(read, update))
}

/// Which cases, parsed by `CaseQueryText::parse` (the dashboard's parser too).
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
struct CaseParams {
    /// `mine`, `unassigned`, `overdue` and `active` (the default) are open or
    /// in-progress cases; `done` resolved or closed ones; `all` every case.
    view: Option<String>,
    /// Statuses separated by commas: `open`, `in_progress`, `resolved`, `closed`.
    status: Option<String>,
    /// `me`, `none`, or a member's user id (`usr_…`).
    assignee: Option<String>,
    /// Cases on this survey's responses (`srv_…`).
    survey_id: Option<String>,
    /// The case on this response (`rsp_…`).
    response_id: Option<String>,
    /// `low`, `normal`, `high` or `urgent`.
    priority: Option<String>,
    /// `-createdAt` (the default), `createdAt`, `dueAt` (soonest first, none
    /// last) or `-updatedAt`.
    sort: Option<String>,
}

/// List cases
///
/// The inbox: by default every open or in-progress case, newest first.
#[utoipa::path(get, path = "/api/cases", tag = "cases", params(CaseParams, PageParams),
    security(("bearer" = ["cases:read"]), ("session" = [])),
    responses(
        (status = 200, description = "A page of cases", body = Paginated<Case>),
        (status = 422, description = "A bad filter; `errors` names the parameter", body = Problem, content_type = "application/problem+json"),
        TokenAuth, BadPage,
    ))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(params): ApiQuery<CaseParams>,
    Pagination(page): Pagination,
) -> ApiResult<Json<Paginated<Case>>> {
    caller.require(Scope::CasesRead)?;
    let query = CaseQueryText {
        view: params.view,
        status: params.status,
        assignee: params.assignee,
        survey_id: params.survey_id,
        response_id: params.response_id,
        priority: params.priority,
        sort: params.sort,
    }
    .parse()?;
    Ok(Json(cases::list(&state.db, caller.organization_id(), &caller.user_id, &query, page).await?))
}

/// Open a case on a response
///
/// One case per response (409 `case_exists` for a second). It starts `open`;
/// the assignee is an owner or admin of the organisation. Subscribers get
/// `case.created`.
#[utoipa::path(post, path = "/api/cases", tag = "cases", request_body = CaseInput,
    security(("bearer" = ["cases:write"]), ("session" = [])),
    responses(
        (status = 201, description = "Opened", body = CaseWithHistory, headers(("Location" = String, description = "The case's URL"), ("ETag" = String, description = "Its version"))),
        (status = 409, description = "The response has a case already", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown response or member, a past due time, a bad title; `errors` names the field", body = Problem, content_type = "application/problem+json"),
        JsonBody, TokenAuth,
    ))]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<CaseInput>,
) -> ApiResult<Response> {
    caller.require(Scope::CasesWrite)?;
    let org = caller.organization_id();
    let case = cases::create(&state, org, Opener::Member(&caller.user_id), &input).await?;
    Ok(with_etag(StatusCode::CREATED, cases::get_with_history(&state.db, org, &case.id).await?))
}

/// Filters of the counts.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
struct StatsParams {
    /// Only this survey's cases (`srv_…`).
    survey_id: Option<String>,
}

/// Case counts and time to resolution
///
/// Counts by status; the caller's, unassigned and overdue open cases; and
/// the median time from opening to resolution. Of the organisation, or of
/// one survey (its overview shows these).
#[utoipa::path(get, path = "/api/cases/stats", tag = "cases", params(StatsParams),
    security(("bearer" = ["cases:read"]), ("session" = [])),
    responses(
        (status = 200, description = "The figures", body = CaseStats),
        (status = 422, description = "A bad survey id", body = Problem, content_type = "application/problem+json"),
        TokenAuth,
    ))]
async fn stats(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(params): ApiQuery<StatsParams>,
) -> ApiResult<Json<CaseStats>> {
    caller.require(Scope::CasesRead)?;
    let survey = params.survey_id.as_deref().map(str::trim).filter(|s| !s.is_empty());
    Ok(Json(cases::stats(&state.db, caller.organization_id(), &caller.user_id, survey).await?))
}

/// Get a case with its history
///
/// Every change (status, assignee, due time, priority, title, resolution),
/// who made it and when, oldest first.
#[utoipa::path(get, path = "/api/cases/{id}", tag = "cases",
    params(("id" = String, Path, description = "Case id (`cas_…`)")),
    security(("bearer" = ["cases:read"]), ("session" = [])),
    responses((status = 200, description = "The case", body = CaseWithHistory, headers(("ETag" = String, description = "Its version"))), NotFound, TokenAuth))]
async fn read(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult<Response> {
    caller.require(Scope::CasesRead)?;
    Ok(with_etag(StatusCode::OK, cases::get_with_history(&state.db, caller.organization_id(), &id).await?))
}

/// Change a case
///
/// Move it (`open` → `in_progress` → `resolved` → `closed`; a closed case
/// only reopens), assign it (`null` unassigns), give it a due time, a
/// priority, a title or a resolution. Resolving needs a resolution. Each
/// change is kept in the history and sent to subscribers as `case.updated`
/// with the list of `changes`; a patch that changes nothing does neither.
/// Send `If-Match` with the ETag you read so that a change made meanwhile
/// is a 412 rather than overwritten.
#[utoipa::path(patch, path = "/api/cases/{id}", tag = "cases", request_body = CasePatch,
    params(
        ("id" = String, Path, description = "Case id (`cas_…`)"),
        ("If-Match" = Option<String>, Header, description = "The ETag you read, e.g. `\"1765180800123\"`"),
    ),
    security(("bearer" = ["cases:write"]), ("session" = [])),
    responses(
        (status = 200, description = "The case as it is now", body = CaseWithHistory, headers(("ETag" = String, description = "Its new version"))),
        (status = 412, description = "If-Match does not match the current version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A move that is not allowed, resolving without a resolution, an unknown member; `errors` names the field", body = Problem, content_type = "application/problem+json"),
        NotFound, JsonBody, TokenAuth,
    ))]
async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(patch): ApiJson<CasePatch>,
) -> ApiResult<Response> {
    caller.require(Scope::CasesWrite)?;
    let org = caller.organization_id();
    let expected = super::surveys::if_match(&headers)?;
    cases::update(&state, org, &caller.user_id, &id, &patch, expected).await?;
    Ok(with_etag(StatusCode::OK, cases::get_with_history(&state.db, org, &id).await?))
}
