//! The public client API used by the widget and embeds: no credentials,
//! rate-limited per client address (see `crate::rate_limit`).

use super::error::ApiResult;
use super::extract::ApiJson;
use app::backend::services::responses;
use app::backend::AppState;
use app::domain::response::ResponseInput;
use axum::extract::{Path, State};
use axum::http::{header, HeaderName, Method, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use serde::Serialize;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// Any site may call the client API from a browser: it takes no cookies and
/// no credentials, only a survey id. (Per-survey origin allow-lists narrow this.)
pub fn router() -> Router<AppState> {
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::any())
        .allow_methods([Method::POST, Method::PATCH])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION, HeaderName::from_static("idempotency-key")])
        .max_age(std::time::Duration::from_secs(3600));
    Router::new().route("/client/surveys/{id}/responses", post(submit)).layer(cors)
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
