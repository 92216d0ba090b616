//! `/api/channels`, `/api/event-types` and `/api/channels/{id}/invite-settings`:
//! the Events Router's configuration.

use super::error::ApiResult;
use super::extract::{ApiJson, Caller, PageParams, Pagination};
use super::openapi::Problem;
use super::problems::{BadPage, Idempotent, JsonBody, TokenAuth};
use app::backend::services::{events_router::channels, events_router::invite_settings};
use app::backend::AppState;
use app::domain::events_router::{
    Channel, ChannelInput, EventType, EventTypeInput, EventTypePatch, InviteSetting, InviteSettingInput,
    InviteSettingPatch,
};
use app::domain::page::Paginated;
use app::domain::scope::Scope;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_channels, create_channel))
        .routes(routes!(list_event_types, create_event_type))
        .routes(routes!(read_event_type, update_event_type, delete_event_type))
        .routes(routes!(list_settings, create_setting))
        .routes(routes!(update_setting, delete_setting))
}

/// List channels
///
/// Every organisation has a default channel; events name their channel in `channel.id`.
#[utoipa::path(get, path = "/api/channels", tag = "events", params(PageParams),
    security(("bearer" = ["events:read"]), ("session" = [])),
    responses(
        (status = 200, description = "A page of channels, the default first", body = Paginated<Channel>),
        BadPage, TokenAuth,
    ))]
async fn list_channels(
    State(state): State<AppState>,
    caller: Caller,
    Pagination(page): Pagination,
) -> ApiResult<Json<Paginated<Channel>>> {
    caller.require(Scope::EventsRead)?;
    Ok(Json(channels::list_channels(&state.db, caller.organization_id(), page).await?))
}

/// Create a channel
///
/// An invite setting is made for the new channel and every event type.
#[utoipa::path(post, path = "/api/channels", tag = "events", request_body = ChannelInput,
    security(("bearer" = ["events:write"]), ("session" = [])),
    responses(
        (status = 201, description = "Created", body = Channel),
        (status = 422, description = "Invalid name; `errors` names the field", body = Problem, content_type = "application/problem+json"),
        TokenAuth, JsonBody, Idempotent,
    ))]
async fn create_channel(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<ChannelInput>,
) -> ApiResult<(StatusCode, Json<Channel>)> {
    caller.require(Scope::EventsWrite)?;
    Ok((StatusCode::CREATED, Json(channels::create_channel(&state.db, caller.organization_id(), input).await?)))
}

/// List event types (touchpoints)
#[utoipa::path(get, path = "/api/event-types", tag = "events", params(PageParams),
    security(("bearer" = ["events:read"]), ("session" = [])),
    responses(
        (status = 200, description = "A page of event types, by name", body = Paginated<EventType>),
        BadPage, TokenAuth,
    ))]
async fn list_event_types(
    State(state): State<AppState>,
    caller: Caller,
    Pagination(page): Pagination,
) -> ApiResult<Json<Paginated<EventType>>> {
    caller.require(Scope::EventsRead)?;
    Ok(Json(channels::list_event_types(&state.db, caller.organization_id(), page).await?))
}

/// Create an event type (touchpoint)
///
/// Any name; events use it in `type`. An inactive invite setting is created
/// automatically for each channel: pick its survey and activate it.
#[utoipa::path(post, path = "/api/event-types", tag = "events", request_body = EventTypeInput,
    security(("bearer" = ["events:write"]), ("session" = [])),
    responses(
        (status = 201, description = "Created", body = EventType),
        (status = 409, description = "An event type with this name exists", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid name", body = Problem, content_type = "application/problem+json"),
        TokenAuth, JsonBody,
    ))]
async fn create_event_type(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<EventTypeInput>,
) -> ApiResult<(StatusCode, Json<EventType>)> {
    caller.require(Scope::EventsWrite)?;
    Ok((StatusCode::CREATED, Json(channels::create_event_type(&state.db, caller.organization_id(), input).await?)))
}

/// Get an event type
#[utoipa::path(get, path = "/api/event-types/{id}", tag = "events",
    params(("id" = String, Path, description = "Event type id (`ety-…`)")),
    security(("bearer" = ["events:read"]), ("session" = [])),
    responses(
        (status = 200, description = "The event type", body = EventType),
        (status = 404, description = "No such event type in your organisation", body = Problem, content_type = "application/problem+json"),
        TokenAuth,
    ))]
async fn read_event_type(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<EventType>> {
    caller.require(Scope::EventsRead)?;
    Ok(Json(channels::get_event_type(&state.db, caller.organization_id(), &id).await?))
}

/// Rename or (de)activate an event type
///
/// Events of an inactive type are accepted and recorded as skipped.
#[utoipa::path(patch, path = "/api/event-types/{id}", tag = "events", request_body = EventTypePatch,
    params(("id" = String, Path, description = "Event type id (`ety-…`)")),
    security(("bearer" = ["events:write"]), ("session" = [])),
    responses(
        (status = 200, description = "The updated event type", body = EventType),
        (status = 404, description = "No such event type in your organisation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Another event type has this name", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid name", body = Problem, content_type = "application/problem+json"),
        TokenAuth, JsonBody,
    ))]
async fn update_event_type(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(patch): ApiJson<EventTypePatch>,
) -> ApiResult<Json<EventType>> {
    caller.require(Scope::EventsWrite)?;
    Ok(Json(channels::update_event_type(&state.db, caller.organization_id(), &id, patch).await?))
}

/// Delete an event type and its invite settings
///
/// Past events keep its name; new events of that name are refused.
#[utoipa::path(delete, path = "/api/event-types/{id}", tag = "events",
    params(("id" = String, Path, description = "Event type id (`ety-…`)")),
    security(("bearer" = ["events:write"]), ("session" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such event type in your organisation", body = Problem, content_type = "application/problem+json"),
        TokenAuth,
    ))]
async fn delete_event_type(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    caller.require(Scope::EventsWrite)?;
    channels::delete_event_type(&state.db, caller.organization_id(), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// List a channel's invite settings
///
/// One automatic setting per event type, plus any extra ones; within an
/// event type they are tried by `priority` (lowest first).
#[utoipa::path(get, path = "/api/channels/{channelId}/invite-settings", tag = "events",
    params(("channelId" = String, Path, description = "Channel id (`chl-…`)"), PageParams),
    security(("bearer" = ["events:read"]), ("session" = [])),
    responses(
        (status = 200, description = "A page of the channel's settings", body = Paginated<InviteSetting>),
        (status = 404, description = "No such channel in your organisation", body = Problem, content_type = "application/problem+json"),
        TokenAuth, BadPage,
    ))]
async fn list_settings(
    State(state): State<AppState>,
    caller: Caller,
    Path(channel_id): Path<String>,
    Pagination(page): Pagination,
) -> ApiResult<Json<Paginated<InviteSetting>>> {
    caller.require(Scope::EventsRead)?;
    Ok(Json(invite_settings::list_for_channel(&state.db, caller.organization_id(), &channel_id, page).await?))
}

/// Add an invite setting
///
/// An extra rule for one event type on this channel, usually with
/// `conditions`, so one touchpoint can lead to different surveys. Tried
/// before the automatic setting (priority 10 against 100) unless told otherwise.
#[utoipa::path(post, path = "/api/channels/{channelId}/invite-settings", tag = "events", request_body = InviteSettingInput,
    params(("channelId" = String, Path, description = "Channel id (`chl-…`)")),
    security(("bearer" = ["events:write"]), ("session" = [])),
    responses(
        (status = 201, description = "Created", body = InviteSetting),
        (status = 404, description = "No such channel in your organisation", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid setting; `errors` names each field", body = Problem, content_type = "application/problem+json"),
        TokenAuth, JsonBody, Idempotent,
    ))]
async fn create_setting(
    State(state): State<AppState>,
    caller: Caller,
    Path(channel_id): Path<String>,
    ApiJson(input): ApiJson<InviteSettingInput>,
) -> ApiResult<(StatusCode, Json<InviteSetting>)> {
    caller.require(Scope::EventsWrite)?;
    let setting = invite_settings::create(&state.db, caller.organization_id(), &channel_id, input).await?;
    Ok((StatusCode::CREATED, Json(setting)))
}

/// Update an invite setting
///
/// Pick the survey, activate, set the delay (`delayMinutes`, or `delay` as an
/// ISO-8601 duration such as `P3D`, counted from the event or from its
/// `estimatedDeliveryDate`), a send window in local hours, and conditions.
#[utoipa::path(patch, path = "/api/channels/{channelId}/invite-settings/{id}", tag = "events", request_body = InviteSettingPatch,
    params(
        ("channelId" = String, Path, description = "Channel id (`chl-…`)"),
        ("id" = String, Path, description = "Invite setting id (`ist-…`)"),
    ),
    security(("bearer" = ["events:write"]), ("session" = [])),
    responses(
        (status = 200, description = "The updated setting", body = InviteSetting),
        (status = 404, description = "No such setting on this channel", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid setting; `errors` names each field", body = Problem, content_type = "application/problem+json"),
        TokenAuth, JsonBody,
    ))]
async fn update_setting(
    State(state): State<AppState>,
    caller: Caller,
    Path((channel_id, id)): Path<(String, String)>,
    ApiJson(patch): ApiJson<InviteSettingPatch>,
) -> ApiResult<Json<InviteSetting>> {
    caller.require(Scope::EventsWrite)?;
    Ok(Json(invite_settings::update(&state.db, caller.organization_id(), &channel_id, &id, patch).await?))
}

/// Delete an extra invite setting
///
/// The automatic setting of a channel and event type cannot be deleted (409); deactivate it.
#[utoipa::path(delete, path = "/api/channels/{channelId}/invite-settings/{id}", tag = "events",
    params(
        ("channelId" = String, Path, description = "Channel id (`chl-…`)"),
        ("id" = String, Path, description = "Invite setting id (`ist-…`)"),
    ),
    security(("bearer" = ["events:write"]), ("session" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such setting on this channel", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The automatic setting cannot be deleted", body = Problem, content_type = "application/problem+json"),
        TokenAuth,
    ))]
async fn delete_setting(
    State(state): State<AppState>,
    caller: Caller,
    Path((channel_id, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    caller.require(Scope::EventsWrite)?;
    invite_settings::delete(&state.db, caller.organization_id(), &channel_id, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
