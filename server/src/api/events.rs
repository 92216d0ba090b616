//! `POST /api/events` (the e-satisfaction event shape) and reading events back with what became of them.

use super::error::ApiResult;
use super::extract::{ApiJson, ApiQuery, Caller, PageParams, Pagination};
use super::openapi::Problem;
use super::problems::{BadPage, Idempotent, JsonBody, TokenAuth};
use app::backend::services::events_router::events::{self, EventFilter};
use app::backend::AppState;
use app::domain::event::{EventAccepted, EventInput, EventRecord};
use app::domain::page::Paginated;
use app::domain::scope::Scope;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, receive)).routes(routes!(read))
}

/// Send an event
///
/// Mandatory: `type` (an event type's name), `channel.id`, `customer` with an
/// `email` (or `mobile`), `transaction.reference`, `system`, `systemVersion`;
/// a 422 names everything missing at once. The event is stored before the
/// 202; routing follows within moments. The same transaction reference for
/// the same event type never invites the same customer twice, and an
/// `Idempotency-Key` replays the first answer.
#[utoipa::path(post, path = "/api/events", tag = "events", request_body = EventInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "Repeat a request safely: the first result is replayed for 24 hours")),
    security(("bearer" = ["events:write"]), ("session" = [])),
    responses(
        (status = 202, description = "Accepted for processing", body = EventAccepted),
        (status = 422, description = "Missing or invalid keys; `errors` names each", body = Problem, content_type = "application/problem+json"),
        JsonBody, TokenAuth, Idempotent,
    ))]
async fn receive(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<EventInput>,
) -> ApiResult<(StatusCode, Json<EventAccepted>)> {
    caller.require(Scope::EventsWrite)?;
    Ok((StatusCode::ACCEPTED, Json(events::ingest(&state, caller.organization_id(), input).await?)))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct EventQuery {
    /// Only events of this type (name).
    #[serde(rename = "type")]
    #[param(rename = "type")]
    kind: Option<String>,
    /// Only events with this transaction reference.
    #[serde(rename = "transactionReference")]
    #[param(rename = "transactionReference")]
    transaction_reference: Option<String>,
}

/// List events
///
/// Newest first, each with its processing outcome: `pending`, `scheduled`
/// (with `sendAt`), `sent`, `failed`, or `skipped` with the reason
/// (`no_matching_setting`, `inactive`, `duplicate`, `opted_out`, …).
#[utoipa::path(get, path = "/api/events", tag = "events", params(EventQuery, PageParams),
    security(("bearer" = ["events:read"]), ("session" = [])),
    responses(
        (status = 200, description = "A page of events", body = Paginated<EventRecord>),
        TokenAuth, BadPage,
    ))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Pagination(page): Pagination,
    ApiQuery(query): ApiQuery<EventQuery>,
) -> ApiResult<Json<Paginated<EventRecord>>> {
    caller.require(Scope::EventsRead)?;
    let filter = EventFilter { kind: query.kind, transaction_reference: query.transaction_reference };
    Ok(Json(events::list(&state.db, caller.organization_id(), &filter, page).await?))
}

/// Get an event
#[utoipa::path(get, path = "/api/events/{ref}", tag = "events",
    params(("ref" = String, Path, description = "The `EventRef` (`evt-…`)")),
    security(("bearer" = ["events:read"]), ("session" = [])),
    responses(
        (status = 200, description = "The event as sent, and what became of it", body = EventRecord),
        (status = 404, description = "No such event in your organisation", body = Problem, content_type = "application/problem+json"),
        TokenAuth,
    ))]
async fn read(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult<Json<EventRecord>> {
    caller.require(Scope::EventsRead)?;
    Ok(Json(events::get(&state.db, caller.organization_id(), &id).await?))
}
