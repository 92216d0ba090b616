//! `/api/tags`, `/api/responses/{id}/tags` and `/api/surveys/{id}/responses/tags`:
//! the organisation's tags, and putting them on responses one at a time or
//! on every response a filter matches.

use super::error::ApiResult;
use super::extract::{ApiJson, Caller, PageParams, Pagination};
use super::openapi::Problem;
use super::problems::{BadPage, JsonBody, NotFound, TokenAuth};
use super::responses::{FilterParams, Filtered};
use app::backend::services::responses::tags;
use app::backend::AppState;
use app::domain::page::Paginated;
use app::domain::scope::Scope;
use app::domain::tag::{BulkTagResult, BulkTagging, Tag, TagInput, TagPatch};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(read, update, remove))
        .routes(routes!(of_response))
        .routes(routes!(attach, detach))
        .routes(routes!(bulk))
}

/// List the organisation's tags
///
/// By name, each with the number of responses carrying it.
#[utoipa::path(get, path = "/api/tags", tag = "tags", params(PageParams),
    security(("bearer" = ["responses:read"]), ("session" = [])),
    responses((status = 200, description = "A page of tags", body = Paginated<Tag>), TokenAuth, BadPage))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Pagination(page): Pagination,
) -> ApiResult<Json<Paginated<Tag>>> {
    caller.require(Scope::ResponsesRead)?;
    Ok(Json(tags::list(&state.db, caller.organization_id(), page).await?))
}

/// Create a tag
///
/// Names are unique in the organisation regardless of case (409 otherwise);
/// at most 500 tags.
#[utoipa::path(post, path = "/api/tags", tag = "tags", request_body = TagInput,
    security(("bearer" = ["responses:write"]), ("session" = [])),
    responses(
        (status = 201, description = "Created", body = Tag, headers(("Location" = String, description = "The tag's URL"))),
        (status = 409, description = "A tag with this name exists", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid name or colour; `errors` names the field", body = Problem, content_type = "application/problem+json"),
        JsonBody, TokenAuth,
    ))]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<TagInput>,
) -> ApiResult<Response> {
    caller.require(Scope::ResponsesWrite)?;
    let tag = tags::create(&state.db, caller.organization_id(), &input).await?;
    let location = format!("/api/tags/{}", tag.id);
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(tag)).into_response())
}

/// Get a tag
#[utoipa::path(get, path = "/api/tags/{id}", tag = "tags",
    params(("id" = String, Path, description = "Tag id (`tag_…`)")),
    security(("bearer" = ["responses:read"]), ("session" = [])),
    responses((status = 200, description = "The tag", body = Tag), NotFound, TokenAuth))]
async fn read(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult<Json<Tag>> {
    caller.require(Scope::ResponsesRead)?;
    Ok(Json(tags::get(&state.db, caller.organization_id(), &id).await?))
}

/// Rename or recolour a tag
#[utoipa::path(patch, path = "/api/tags/{id}", tag = "tags", request_body = TagPatch,
    params(("id" = String, Path, description = "Tag id (`tag_…`)")),
    security(("bearer" = ["responses:write"]), ("session" = [])),
    responses(
        (status = 200, description = "The tag as it is now", body = Tag),
        (status = 409, description = "Another tag has this name", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid name or colour; `errors` names the field", body = Problem, content_type = "application/problem+json"),
        NotFound, JsonBody, TokenAuth,
    ))]
async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(patch): ApiJson<TagPatch>,
) -> ApiResult<Json<Tag>> {
    caller.require(Scope::ResponsesWrite)?;
    Ok(Json(tags::update(&state.db, caller.organization_id(), &id, &patch).await?))
}

/// Delete a tag
///
/// The responses that carried it lose it; they stay.
#[utoipa::path(delete, path = "/api/tags/{id}", tag = "tags",
    params(("id" = String, Path, description = "Tag id (`tag_…`)")),
    security(("bearer" = ["responses:write"]), ("session" = [])),
    responses((status = 204, description = "Deleted"), NotFound, TokenAuth))]
async fn remove(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult<StatusCode> {
    caller.require(Scope::ResponsesWrite)?;
    tags::delete(&state.db, caller.organization_id(), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// List a response's tags
#[utoipa::path(get, path = "/api/responses/{id}/tags", tag = "tags",
    params(("id" = String, Path, description = "Response id (`rsp_…`)")),
    security(("bearer" = ["responses:read"]), ("session" = [])),
    responses((status = 200, description = "The response's tags, by name", body = Vec<Tag>), NotFound, TokenAuth))]
async fn of_response(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<Tag>>> {
    caller.require(Scope::ResponsesRead)?;
    Ok(Json(tags::of_response(&state.db, caller.organization_id(), &id).await?))
}

/// Put a tag on a response
///
/// Idempotent: a tag already on the response stays, once.
#[utoipa::path(put, path = "/api/responses/{id}/tags/{tagId}", tag = "tags",
    params(("id" = String, Path, description = "Response id (`rsp_…`)"), ("tagId" = String, Path, description = "Tag id (`tag_…`)")),
    security(("bearer" = ["responses:write"]), ("session" = [])),
    responses((status = 204, description = "The response carries the tag"), NotFound, TokenAuth))]
async fn attach(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, tag_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    caller.require(Scope::ResponsesWrite)?;
    tags::attach(&state.db, caller.organization_id(), &id, &tag_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Take a tag off a response
///
/// Idempotent: a tag the response does not carry is fine.
#[utoipa::path(delete, path = "/api/responses/{id}/tags/{tagId}", tag = "tags",
    params(("id" = String, Path, description = "Response id (`rsp_…`)"), ("tagId" = String, Path, description = "Tag id (`tag_…`)")),
    security(("bearer" = ["responses:write"]), ("session" = [])),
    responses((status = 204, description = "The response does not carry the tag"), NotFound, TokenAuth))]
async fn detach(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, tag_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    caller.require(Scope::ResponsesWrite)?;
    tags::detach(&state.db, caller.organization_id(), &id, &tag_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Tag many responses at once
///
/// Adds and removes tags on every response of the survey that the query
/// string's filter matches (the same filter as listing: `answer.q1=lte:6`,
/// `metadata.store=athens`, `tag=…`, dates, …), or on the listed
/// `responseIds` among them. One transaction: all or nothing.
#[utoipa::path(post, path = "/api/surveys/{id}/responses/tags", tag = "tags", request_body = BulkTagging,
    params(("id" = String, Path, description = "Survey id (`srv_…`)"), FilterParams),
    security(("bearer" = ["responses:write"]), ("session" = [])),
    responses(
        (status = 200, description = "What was done", body = BulkTagResult),
        (status = 422, description = "Unknown tag, bad filter or request; `errors` names it", body = Problem, content_type = "application/problem+json"),
        NotFound, JsonBody, TokenAuth,
    ))]
async fn bulk(
    State(state): State<AppState>,
    caller: Caller,
    Path(survey_id): Path<String>,
    Filtered(filter): Filtered,
    ApiJson(request): ApiJson<BulkTagging>,
) -> ApiResult<Json<BulkTagResult>> {
    caller.require(Scope::ResponsesWrite)?;
    Ok(Json(tags::bulk(&state.db, caller.organization_id(), &survey_id, &filter, &request).await?))
}
