//! The public client API used by the widget and embeds: no credentials,
//! rate-limited per client address (see `crate::rate_limit`).

use super::error::ApiResult;
use super::extract::ApiJson;
use app::backend::services::responses;
use app::backend::AppState;
use app::domain::response::ResponseInput;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use serde::Serialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/client/surveys/{id}/responses", post(submit))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Submitted {
    id: String,
}

async fn submit(
    State(state): State<AppState>,
    Path(survey_id): Path<String>,
    ApiJson(input): ApiJson<ResponseInput>,
) -> ApiResult<(StatusCode, Json<Submitted>)> {
    let response = responses::submit(&state.db, &survey_id, input).await?;
    Ok((StatusCode::CREATED, Json(Submitted { id: response.id })))
}
