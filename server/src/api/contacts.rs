//! `/api/directory/contacts`: the people surveys are sent to (the e-satisfaction integration pattern).

use super::error::{ApiError, ApiResult};
use super::extract::{parse_json, ApiQuery, Caller, PageParams, Pagination};
use super::openapi::Problem;
use super::problems::{BadPage, Idempotent, JsonBody, TokenAuth};
use app::backend::services::outreach::contacts::{self, UpsertResult};
use app::backend::AppState;
use app::domain::contact::{Contact, ContactInput};
use app::domain::page::Paginated;
use app::domain::scope::Scope;
use app::domain::AppError;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(upsert)).routes(routes!(list)).routes(routes!(read, remove))
}

/// One contact, or a list of up to 1,000.
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum UpsertBody {
    Many(Vec<ContactInput>),
    One(ContactInput),
}

/// Create or update contacts
///
/// One contact object, or an array of up to 1,000, each keyed by `externalId`
/// or `email` (matched in that order). Given fields replace stored ones;
/// `attributes` are merged; `optedOut: true` stops all invitations to the
/// person. All or nothing: one invalid contact refuses the call, naming it
/// (`[3].email`).
#[utoipa::path(post, path = "/api/directory/contacts/upsert", tag = "directory", request_body = UpsertBody,
    security(("bearer" = ["contacts:write"]), ("session" = [])),
    responses(
        (status = 200, description = "The contacts, in the order given", body = UpsertResult),
        (status = 422, description = "Invalid contacts; `errors` names each field", body = Problem, content_type = "application/problem+json"),
        JsonBody, TokenAuth, Idempotent,
    ))]
async fn upsert(State(state): State<AppState>, caller: Caller, body: Bytes) -> ApiResult<Json<UpsertResult>> {
    caller.require(Scope::ContactsWrite)?;
    let value: serde_json::Value = parse_json(&body)?;
    let (inputs, single) = if value.is_array() {
        (parse_json::<Vec<ContactInput>>(&body)?, false)
    } else if value.is_object() {
        (vec![parse_json::<ContactInput>(&body)?], true)
    } else {
        return Err(ApiError(AppError::field("body", "a contact object or an array of contacts")));
    };
    Ok(Json(contacts::upsert_many(&state.db, caller.organization_id(), &inputs, single).await?))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ContactQuery {
    /// Contacts whose email, first or last name or external id starts with this.
    search: Option<String>,
}

/// List contacts
#[utoipa::path(get, path = "/api/directory/contacts", tag = "directory", params(ContactQuery, PageParams),
    security(("bearer" = ["contacts:read"]), ("session" = [])),
    responses(
        (status = 200, description = "A page of contacts, newest first", body = Paginated<Contact>),
        TokenAuth, BadPage,
    ))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Pagination(page): Pagination,
    ApiQuery(query): ApiQuery<ContactQuery>,
) -> ApiResult<Json<Paginated<Contact>>> {
    caller.require(Scope::ContactsRead)?;
    Ok(Json(contacts::list(&state.db, caller.organization_id(), query.search.as_deref(), page).await?))
}

/// Get a contact
#[utoipa::path(get, path = "/api/directory/contacts/{id}", tag = "directory",
    params(("id" = String, Path, description = "Contact id (`con_…`)")),
    security(("bearer" = ["contacts:read"]), ("session" = [])),
    responses(
        (status = 200, description = "The contact", body = Contact),
        (status = 404, description = "No such contact in your organisation", body = Problem, content_type = "application/problem+json"),
        TokenAuth,
    ))]
async fn read(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult<Json<Contact>> {
    caller.require(Scope::ContactsRead)?;
    Ok(Json(contacts::get(&state.db, caller.organization_id(), &id).await?))
}

/// Delete a contact
///
/// Their invitations go too; their responses stay, no longer linked to them.
#[utoipa::path(delete, path = "/api/directory/contacts/{id}", tag = "directory",
    params(("id" = String, Path, description = "Contact id (`con_…`)")),
    security(("bearer" = ["contacts:write"]), ("session" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such contact in your organisation", body = Problem, content_type = "application/problem+json"),
        TokenAuth,
    ))]
async fn remove(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult<StatusCode> {
    caller.require(Scope::ContactsWrite)?;
    contacts::delete(&state.db, caller.organization_id(), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
