//! `/api/surveys/{id}/responses` and `/api/responses/{id}`: reading and deleting responses.

use super::error::{ApiError, ApiResult};
use super::extract::{Caller, Pagination};
use super::openapi::{PageParams, Problem};
use app::backend::services::responses::{self, ResponseFilter};
use app::backend::AppState;
use app::domain::page::Paginated;
use app::domain::response::SurveyResponse;
use app::domain::scope::Scope;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(read, remove))
}

/// Filters for listing responses.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct FilterParams {
    /// Only responses created at or after this time (RFC 3339).
    from: Option<chrono::DateTime<chrono::Utc>>,
    /// Only responses created before this time (RFC 3339).
    to: Option<chrono::DateTime<chrono::Utc>>,
    /// Only complete (`true`) or partial (`false`) responses.
    completed: Option<bool>,
    /// Only responses linked to this contact (`con_…`).
    #[param(rename = "contactId")]
    contact_id: Option<String>,
    /// Only responses shown in this language.
    language: Option<String>,
}

/// The filter in the query string (see `ResponseFilter::from_query`).
pub fn parse_filter(query: Option<&str>) -> Result<ResponseFilter, ApiError> {
    ResponseFilter::from_query(query.unwrap_or("")).map_err(ApiError)
}

/// List a survey's responses
///
/// Newest first, in a stable order (creation time, then id). Besides the
/// parameters below, up to 10 of: `metadata.KEY=VALUE` (e.g.
/// `?metadata.orderId=A-1042`; numbers and booleans compare as their JSON
/// text), `hidden.NAME=VALUE`, and `answer.QUESTION=OP:VALUE` with OP one of
/// `eq ne lt lte gt gte` (`answer.q1=lte:6`: detractors; `answer.q2=food`:
/// chose "food"). All must match. `from`/`to` also take a date (`to` then
/// includes that day).
#[utoipa::path(get, path = "/api/surveys/{id}/responses", tag = "responses",
    params(("id" = String, Path, description = "Survey id (`srv_…`)"), FilterParams, PageParams),
    security(("bearer" = ["responses:read"]), ("session" = [])),
    responses(
        (status = 200, description = "A page of responses", body = Paginated<SurveyResponse>),
        (status = 401, description = "No or invalid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Missing scope responses:read", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such survey in your organisation", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad filter or pagination parameter", body = Problem, content_type = "application/problem+json"),
    ))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(survey_id): Path<String>,
    Pagination(page): Pagination,
    RawQuery(query): RawQuery,
) -> ApiResult<Json<Paginated<SurveyResponse>>> {
    caller.require(Scope::ResponsesRead)?;
    let filter = parse_filter(query.as_deref())?;
    Ok(Json(responses::list(&state.db, caller.organization_id(), &survey_id, &filter, page).await?))
}

/// Get a response
#[utoipa::path(get, path = "/api/responses/{id}", tag = "responses",
    params(("id" = String, Path, description = "Response id (`rsp_…`)")),
    security(("bearer" = ["responses:read"]), ("session" = [])),
    responses(
        (status = 200, description = "The response", body = SurveyResponse),
        (status = 401, description = "No or invalid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Missing scope responses:read", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such response in your organisation", body = Problem, content_type = "application/problem+json"),
    ))]
async fn read(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<SurveyResponse>> {
    caller.require(Scope::ResponsesRead)?;
    Ok(Json(responses::get(&state.db, caller.organization_id(), &id).await?))
}

/// Delete a response and its personal data
#[utoipa::path(delete, path = "/api/responses/{id}", tag = "responses",
    params(("id" = String, Path, description = "Response id (`rsp_…`)")),
    security(("bearer" = ["responses:write"]), ("session" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No or invalid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Missing scope responses:write", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such response in your organisation", body = Problem, content_type = "application/problem+json"),
    ))]
async fn remove(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult<StatusCode> {
    caller.require(Scope::ResponsesWrite)?;
    responses::delete(&state, caller.organization_id(), &caller.actor(), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
