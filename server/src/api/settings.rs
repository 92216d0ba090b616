//! `/api/settings/metadata`: the organisation's metadata rules (declared
//! keys with type and anonymize flag, strict mode, what anonymizing does).
//! Organisation settings are managed from a dashboard session.

use super::error::ApiResult;
use super::extract::{ApiJson, Caller};
use super::openapi::Problem;
use app::backend::services::metadata_keys;
use app::backend::AppState;
use app::domain::metadata_keys::MetadataPolicy;
use axum::extract::State;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_policy, put_policy))
}

/// The organisation's metadata rules
#[utoipa::path(get, path = "/api/settings/metadata", tag = "settings", security(("session" = [])),
    responses(
        (status = 200, description = "Declared keys and switches", body = MetadataPolicy),
        (status = 401, description = "No session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a dashboard session", body = Problem, content_type = "application/problem+json"),
    ))]
async fn get_policy(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<MetadataPolicy>> {
    caller.require_session()?;
    Ok(Json(metadata_keys::policy(&state.db, caller.organization_id()).await?))
}

/// Replace the organisation's metadata rules
///
/// Declared keys are validated and typed on every response from then on;
/// anonymized keys are stored only as a keyed hash (or dropped, with
/// `anonymizeMode: "drop"`); with `strict`, undeclared keys are refused.
#[utoipa::path(put, path = "/api/settings/metadata", tag = "settings", request_body = MetadataPolicy,
    security(("session" = [])),
    responses(
        (status = 200, description = "Saved", body = MetadataPolicy),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a dashboard session, or a viewer", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid keys; `errors` names each", body = Problem, content_type = "application/problem+json"),
    ))]
async fn put_policy(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(policy): ApiJson<MetadataPolicy>,
) -> ApiResult<Json<MetadataPolicy>> {
    caller.require_editor_session()?;
    Ok(Json(metadata_keys::save_policy(&state.db, caller.organization_id(), &policy).await?))
}
