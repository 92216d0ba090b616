//! `/api/responses/{id}/notes`: members' internal notes on a response.

use super::error::ApiResult;
use super::extract::{ApiJson, Caller};
use super::openapi::Problem;
use super::problems::{JsonBody, NotFound, TokenAuth};
use app::backend::services::responses::notes;
use app::backend::AppState;
use app::domain::scope::Scope;
use app::domain::tag::{NoteInput, ResponseNote};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(update, remove))
}

/// List a response's notes
///
/// Oldest first. Notes are internal: respondents never see them, and webhook
/// payloads carry them only to endpoints subscribed to `response.note.created`.
#[utoipa::path(get, path = "/api/responses/{id}/notes", tag = "responses",
    params(("id" = String, Path, description = "Response id (`rsp_…`)")),
    security(("bearer" = ["responses:read"]), ("session" = [])),
    responses((status = 200, description = "The notes", body = Vec<ResponseNote>), NotFound, TokenAuth))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<ResponseNote>>> {
    caller.require(Scope::ResponsesRead)?;
    Ok(Json(notes::list(&state.db, caller.organization_id(), &id).await?))
}

/// Write a note on a response
///
/// The author is the member signed in, or the member who created the API token.
#[utoipa::path(post, path = "/api/responses/{id}/notes", tag = "responses", request_body = NoteInput,
    params(("id" = String, Path, description = "Response id (`rsp_…`)")),
    security(("bearer" = ["responses:write"]), ("session" = [])),
    responses(
        (status = 201, description = "Created", body = ResponseNote, headers(("Location" = String, description = "The note's URL"))),
        (status = 422, description = "Empty or too long; `errors` names `body`", body = Problem, content_type = "application/problem+json"),
        NotFound, JsonBody, TokenAuth,
    ))]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<NoteInput>,
) -> ApiResult<Response> {
    caller.require(Scope::ResponsesWrite)?;
    let note = notes::create(&state, caller.organization_id(), &caller.user_id, &id, &input).await?;
    let location = format!("/api/responses/{id}/notes/{}", note.id);
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(note)).into_response())
}

/// Edit a note
///
/// Only its author may (403 for anyone else).
#[utoipa::path(patch, path = "/api/responses/{id}/notes/{noteId}", tag = "responses", request_body = NoteInput,
    params(("id" = String, Path, description = "Response id (`rsp_…`)"), ("noteId" = String, Path, description = "Note id (`nte_…`)")),
    security(("bearer" = ["responses:write"]), ("session" = [])),
    responses(
        (status = 200, description = "The note as it is now", body = ResponseNote),
        (status = 422, description = "Empty or too long; `errors` names `body`", body = Problem, content_type = "application/problem+json"),
        NotFound, JsonBody, TokenAuth,
    ))]
async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, note_id)): Path<(String, String)>,
    ApiJson(input): ApiJson<NoteInput>,
) -> ApiResult<Json<ResponseNote>> {
    caller.require(Scope::ResponsesWrite)?;
    Ok(Json(notes::update(&state.db, caller.organization_id(), &caller.user_id, &id, &note_id, &input).await?))
}

/// Delete a note
///
/// Its author may, and owners and admins may delete anyone's.
#[utoipa::path(delete, path = "/api/responses/{id}/notes/{noteId}", tag = "responses",
    params(("id" = String, Path, description = "Response id (`rsp_…`)"), ("noteId" = String, Path, description = "Note id (`nte_…`)")),
    security(("bearer" = ["responses:write"]), ("session" = [])),
    responses((status = 204, description = "Deleted"), NotFound, TokenAuth))]
async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, note_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    caller.require(Scope::ResponsesWrite)?;
    notes::delete(&state.db, caller.organization_id(), &caller.user_id, caller.role, &id, &note_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
