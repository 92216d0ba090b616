//! `/api/surveys`: create, list, read, update and delete surveys.

use super::error::ApiResult;
use super::extract::{ApiJson, Caller, Pagination};
use app::backend::services::surveys::{self, SurveyPatch};
use app::backend::AppState;
use app::domain::page::Paginated;
use app::domain::survey::{Survey, SurveyDraft};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/surveys", get(list).post(create))
        .route("/surveys/{id}", get(read).patch(update).delete(remove))
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Pagination(page): Pagination,
) -> ApiResult<Json<Paginated<Survey>>> {
    Ok(Json(surveys::list(&state.db, caller.organization_id(), page).await?))
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(draft): ApiJson<SurveyDraft>,
) -> ApiResult<Response> {
    caller.require_editor()?;
    let survey = surveys::create(&state.db, caller.organization_id(), draft).await?;
    let location = format!("/api/surveys/{}", survey.id);
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(survey)).into_response())
}

async fn read(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult<Json<Survey>> {
    Ok(Json(surveys::get(&state.db, caller.organization_id(), &id).await?))
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(patch): ApiJson<SurveyPatch>,
) -> ApiResult<Json<Survey>> {
    caller.require_editor()?;
    Ok(Json(surveys::update(&state.db, caller.organization_id(), &id, patch).await?))
}

async fn remove(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult<StatusCode> {
    caller.require_editor()?;
    surveys::delete(&state.db, caller.organization_id(), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
