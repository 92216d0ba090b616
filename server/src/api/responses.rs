//! `/api/surveys/{id}/responses` and `/api/responses/{id}`: reading and deleting responses.

use super::error::{ApiError, ApiResult};
use super::extract::{Caller, Pagination};
use app::backend::services::responses::{self, ResponseFilter};
use app::backend::AppState;
use app::domain::page::Paginated;
use app::domain::response::SurveyResponse;
use app::domain::AppError;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};

pub fn router() -> Router<AppState> {
    Router::new().route("/surveys/{id}/responses", get(list)).route("/responses/{id}", get(read).delete(remove))
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

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(survey_id): Path<String>,
    Pagination(page): Pagination,
    RawQuery(query): RawQuery,
) -> ApiResult<Json<Paginated<SurveyResponse>>> {
    let filter = parse_filter(query.as_deref())?;
    Ok(Json(responses::list(&state.db, caller.organization_id(), &survey_id, &filter, page).await?))
}

async fn read(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<SurveyResponse>> {
    Ok(Json(responses::get(&state.db, caller.organization_id(), &id).await?))
}

async fn remove(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult<StatusCode> {
    caller.require_editor()?;
    responses::delete(&state.db, caller.organization_id(), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
