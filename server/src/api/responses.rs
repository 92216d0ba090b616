//! `/api/surveys/{id}/responses` and `/api/responses/{id}`: reading and deleting responses.

use super::error::{ApiError, ApiResult};
use super::extract::{Caller, Pagination};
use super::openapi::{PageParams, Problem};
use app::backend::services::responses::{self, ResponseFilter, MAX_METADATA_FILTERS};
use app::backend::AppState;
use app::domain::page::Paginated;
use app::domain::response::SurveyResponse;
use app::domain::scope::Scope;
use app::domain::AppError;
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
}

/// Reads `from`, `to` (RFC 3339) and `completed` (true/false) from the query.
fn parse_filter(query: Option<&str>) -> Result<ResponseFilter, ApiError> {
    let mut filter = ResponseFilter::default();
    let time = |field: &str, value: &str| {
        chrono::DateTime::parse_from_rfc3339(value)
            .map(|t| t.timestamp_millis())
            .map_err(|_| ApiError(AppError::field(field, "must be an RFC 3339 timestamp, e.g. 2026-01-31T00:00:00Z")))
    };
    for (key, value) in url::form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        match key.as_ref() {
            "from" => filter.from_ms = Some(time("from", &value)?),
            "to" => filter.to_ms = Some(time("to", &value)?),
            "contactId" | "contact_id" => filter.contact_id = Some(value.into_owned()),
            key if key.starts_with("metadata.") => {
                let name = &key["metadata.".len()..];
                if name.is_empty() {
                    return Err(ApiError(AppError::field(key, "name the metadata key: metadata.KEY=VALUE")));
                }
                if filter.metadata.len() == MAX_METADATA_FILTERS {
                    return Err(ApiError(AppError::field(
                        key,
                        format!("at most {MAX_METADATA_FILTERS} metadata filters"),
                    )));
                }
                filter.metadata.push((name.to_string(), value.into_owned()));
            }
            "completed" => {
                filter.completed = Some(match value.as_ref() {
                    "true" => true,
                    "false" => false,
                    _ => return Err(ApiError(AppError::field("completed", "must be true or false"))),
                })
            }
            _ => {}
        }
    }
    Ok(filter)
}

/// List a survey's responses
///
/// Newest first, in a stable order (creation time, then id). Filter by
/// metadata with any number (up to 10) of `metadata.KEY=VALUE` parameters,
/// e.g. `?metadata.orderId=A-1042&metadata.plan=pro`; all must match.
/// Numbers and booleans compare as their JSON text (`42`, `true`).
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
    responses::delete(&state, caller.organization_id(), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
