//! `/api/tokens`: API tokens, managed from a dashboard session. Tokens are
//! immutable: there is no PATCH or PUT (405); revoke and create a new one.

use super::error::ApiResult;
use super::extract::{ApiJson, Caller, PageParams, Pagination};
use super::openapi::Problem;
use super::problems::{BadPage, JsonBody};
use app::backend::services::organization::tokens;
use app::backend::AppState;
use app::domain::page::Paginated;
use app::domain::token::{ApiToken, CreateTokenInput, CreatedToken};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(read, revoke))
}

/// List API tokens
///
/// Metadata only: the JWT is shown once, at creation, and never again.
/// Owners see every token of the organisation with its creator; everyone
/// else sees their own.
#[utoipa::path(get, path = "/api/tokens", tag = "tokens", params(PageParams), security(("session" = [])),
    responses(
        (status = 200, description = "A page of tokens, newest first", body = Paginated<ApiToken>),
        (status = 401, description = "No session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Called with an API token", body = Problem, content_type = "application/problem+json"),
        BadPage,
    ))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Pagination(page): Pagination,
) -> ApiResult<Json<Paginated<ApiToken>>> {
    caller.require_session()?;
    Ok(Json(tokens::list(&state, &viewer(&caller), page).await?))
}

/// Create an API token
///
/// The response carries the JWT in `token`, this once. It is signed HS256 and
/// carries `iss`, `aud`, `sub`, `org`, `jti`, `typ`, `scopes`, `iat` and, with
/// an expiry, `exp`.
#[utoipa::path(post, path = "/api/tokens", tag = "tokens", request_body = CreateTokenInput, security(("session" = [])),
    responses(
        (status = 201, description = "Created; `token` is shown only now", body = CreatedToken,
            headers(("Location" = String, description = "The token's URL"))),
        (status = 401, description = "No session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Called with an API token, or by a viewer", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid title, scopes or expiry", body = Problem, content_type = "application/problem+json"),
        JsonBody,
    ))]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<CreateTokenInput>,
) -> ApiResult<Response> {
    caller.require_editor_session()?;
    let created = tokens::create(&state, caller.organization_id(), &caller.user_id, &caller.actor(), input).await?;
    let location = format!("/api/tokens/{}", created.id);
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(created)).into_response())
}

/// Get an API token's metadata
#[utoipa::path(get, path = "/api/tokens/{id}", tag = "tokens",
    params(("id" = String, Path, description = "Token id (`tok_…`)")), security(("session" = [])),
    responses(
        (status = 200, description = "The token's metadata", body = ApiToken),
        (status = 401, description = "No session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Called with an API token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such token in your organisation", body = Problem, content_type = "application/problem+json"),
    ))]
async fn read(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult<Json<ApiToken>> {
    caller.require_session()?;
    Ok(Json(tokens::get(&state, &viewer(&caller), &id).await?))
}

/// Revoke an API token
///
/// The token is refused (401) from now on, on every server replica. Owners
/// may revoke any token of the organisation; everyone else their own.
#[utoipa::path(delete, path = "/api/tokens/{id}", tag = "tokens",
    params(("id" = String, Path, description = "Token id (`tok_…`)")), security(("session" = [])),
    responses(
        (status = 204, description = "Revoked (revoking again is harmless)"),
        (status = 401, description = "No session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Called with an API token, or by a viewer", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such token in your organisation", body = Problem, content_type = "application/problem+json"),
    ))]
async fn revoke(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult<StatusCode> {
    caller.require_editor_session()?;
    tokens::revoke(&state, &viewer(&caller), &caller.actor(), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Owners see every token of the organisation; everyone else their own.
fn viewer(caller: &Caller) -> tokens::Viewer<'_> {
    tokens::Viewer { organization_id: &caller.organization_id, user_id: &caller.user_id, role: caller.role }
}
