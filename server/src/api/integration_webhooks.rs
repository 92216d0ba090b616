//! `/api/integrations/webhooks`: organisation-wide webhooks (the integration family's
//! snake_case shape), over the same engine as a survey's webhooks.

use super::error::ApiResult;
use super::extract::{parse_json, ApiJson, ApiQuery, Caller, PageParams, Pagination};
use super::openapi::Problem;
use super::problems::{JsonBody, NotFound, TokenAuth};
use super::webhook_common::DeliveryParams;
use app::backend::services::webhooks::deliveries;
use app::backend::services::webhooks::{self, Family};
use app::backend::AppState;
use app::domain::page::{PageRequest, Paginated};
use app::domain::scope::Scope;
use app::domain::webhook::{
    IntegrationDelivery, IntegrationWebhook, IntegrationWebhookInput, TestEventInput, WebhookPatch,
};
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
        .routes(routes!(rotate))
        .routes(routes!(send_test))
        .routes(routes!(deliveries))
        .routes(routes!(delivery))
        .routes(routes!(retry))
}

const ORG: Family<'static> = Family::Organization;

/// List organisation webhooks
#[utoipa::path(get, path = "/api/integrations/webhooks", tag = "webhooks",
    security(("bearer" = ["webhooks:read"]), ("session" = [])),
    responses(
        (status = 200, description = "All organisation-wide webhooks", body = Paginated<IntegrationWebhook>),
        TokenAuth,
    ))]
async fn list(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Paginated<IntegrationWebhook>>> {
    caller.require(Scope::WebhooksRead)?;
    let all: Vec<IntegrationWebhook> = webhooks::list(&state.db, caller.organization_id(), ORG)
        .await?
        .into_iter()
        .map(|e| e.into_integration_shape(None))
        .collect();
    let total = all.len() as i64;
    Ok(Json(Paginated::new(all, PageRequest { page: 1, per_page: total.max(1) as u32 }, total)))
}

/// Create an organisation webhook
///
/// Answers 201 with the generated `secret` (`whsec_…`), shown this once.
#[utoipa::path(post, path = "/api/integrations/webhooks", tag = "webhooks", request_body = IntegrationWebhookInput,
    security(("bearer" = ["webhooks:write"]), ("session" = [])),
    responses(
        (status = 201, description = "Created; `secret` is shown only now", body = IntegrationWebhook, headers(("Location" = String, description = "The webhook's URL"))),
        (status = 422, description = "Invalid URL or events", body = Problem, content_type = "application/problem+json"),
        JsonBody, TokenAuth,
    ))]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<IntegrationWebhookInput>,
) -> ApiResult<Response> {
    caller.require(Scope::WebhooksWrite)?;
    let created = webhooks::create_for_organization(&state, caller.organization_id(), &caller.actor(), input).await?;
    let location = format!("/api/integrations/webhooks/{}", created.id);
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(created)).into_response())
}

/// Get an organisation webhook
#[utoipa::path(get, path = "/api/integrations/webhooks/{id}", tag = "webhooks",
    params(("id" = String, Path, description = "Webhook id (`whe_…`)")),
    security(("bearer" = ["webhooks:read"]), ("session" = [])),
    responses(
        (status = 200, description = "The webhook", body = IntegrationWebhook),
        TokenAuth, NotFound,
    ))]
async fn read(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<IntegrationWebhook>> {
    caller.require(Scope::WebhooksRead)?;
    Ok(Json(webhooks::get(&state.db, caller.organization_id(), ORG, &id).await?.into_integration_shape(None)))
}

/// Update an organisation webhook
#[utoipa::path(patch, path = "/api/integrations/webhooks/{id}", tag = "webhooks", request_body = WebhookPatch,
    params(("id" = String, Path, description = "Webhook id")),
    security(("bearer" = ["webhooks:write"]), ("session" = [])),
    responses(
        (status = 200, description = "Updated", body = IntegrationWebhook),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        JsonBody, TokenAuth, NotFound,
    ))]
async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(patch): ApiJson<WebhookPatch>,
) -> ApiResult<Json<IntegrationWebhook>> {
    caller.require(Scope::WebhooksWrite)?;
    Ok(Json(
        webhooks::update(&state, caller.organization_id(), &caller.actor(), ORG, &id, patch)
            .await?
            .into_integration_shape(None),
    ))
}

/// Delete an organisation webhook and its delivery history
#[utoipa::path(delete, path = "/api/integrations/webhooks/{id}", tag = "webhooks",
    params(("id" = String, Path, description = "Webhook id")),
    security(("bearer" = ["webhooks:write"]), ("session" = [])),
    responses(
        (status = 204, description = "Deleted; no further events are delivered"),
        TokenAuth, NotFound,
    ))]
async fn remove(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult<StatusCode> {
    caller.require(Scope::WebhooksWrite)?;
    webhooks::delete(&state, caller.organization_id(), &caller.actor(), ORG, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Rotate the secret
///
/// Generates a new secret and invalidates the old one immediately; the new
/// one is in the answer, this once.
#[utoipa::path(post, path = "/api/integrations/webhooks/{id}/rotate-secret", tag = "webhooks",
    params(("id" = String, Path, description = "Webhook id")),
    security(("bearer" = ["webhooks:write"]), ("session" = [])),
    responses(
        (status = 200, description = "Rotated; `secret` is the new one", body = IntegrationWebhook),
        TokenAuth, NotFound,
    ))]
async fn rotate(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<IntegrationWebhook>> {
    caller.require(Scope::WebhooksWrite)?;
    let (endpoint, secret) =
        webhooks::rotate_secret(&state, caller.organization_id(), &caller.actor(), ORG, &id).await?;
    Ok(Json(endpoint.into_integration_shape(Some(secret))))
}

/// Send a test event
#[utoipa::path(post, path = "/api/integrations/webhooks/{id}/test", tag = "webhooks", request_body(content = Option<TestEventInput>),
    params(("id" = String, Path, description = "Webhook id")),
    security(("bearer" = ["webhooks:write"]), ("session" = [])),
    responses(
        (status = 202, description = "Queued; the payload carries `\"test\": true`", body = IntegrationDelivery),
        (status = 409, description = "The webhook is disabled", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown event", body = Problem, content_type = "application/problem+json"),
        JsonBody, TokenAuth, NotFound,
    ))]
async fn send_test(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> ApiResult<(StatusCode, Json<IntegrationDelivery>)> {
    caller.require(Scope::WebhooksWrite)?;
    let event = if body.is_empty() { None } else { parse_json::<TestEventInput>(&body)?.event };
    let delivery = webhooks::send_test(&state, caller.organization_id(), ORG, &id, event.as_deref()).await?;
    Ok((StatusCode::ACCEPTED, Json(delivery.into())))
}

/// List deliveries
#[utoipa::path(get, path = "/api/integrations/webhooks/{id}/deliveries", tag = "webhooks",
    params(("id" = String, Path, description = "Webhook id"), DeliveryParams, PageParams),
    security(("bearer" = ["webhooks:read"]), ("session" = [])),
    responses(
        (status = 200, description = "Deliveries, newest first", body = Paginated<IntegrationDelivery>),
        (status = 422, description = "Bad filter", body = Problem, content_type = "application/problem+json"),
        TokenAuth, NotFound,
    ))]
async fn deliveries(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Pagination(page): Pagination,
    ApiQuery(params): ApiQuery<DeliveryParams>,
) -> ApiResult<Json<Paginated<IntegrationDelivery>>> {
    caller.require(Scope::WebhooksRead)?;
    let page = deliveries::list_deliveries(&state.db, caller.organization_id(), ORG, &id, &params.into(), page).await?;
    Ok(Json(Paginated { data: page.data.into_iter().map(Into::into).collect(), meta: page.meta }))
}

/// Get a delivery with every attempt
#[utoipa::path(get, path = "/api/integrations/webhooks/{id}/deliveries/{delivery_id}", tag = "webhooks",
    params(("id" = String, Path, description = "Webhook id"), ("delivery_id" = String, Path, description = "Delivery id (`del_…`)")),
    security(("bearer" = ["webhooks:read"]), ("session" = [])),
    responses(
        (status = 200, description = "The delivery, its body and its attempts", body = IntegrationDelivery),
        TokenAuth, NotFound,
    ))]
async fn delivery(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, delivery_id)): Path<(String, String)>,
) -> ApiResult<Json<IntegrationDelivery>> {
    caller.require(Scope::WebhooksRead)?;
    Ok(Json(deliveries::get_delivery(&state.db, caller.organization_id(), ORG, &id, &delivery_id).await?.into()))
}

/// Retry a delivery now
#[utoipa::path(post, path = "/api/integrations/webhooks/{id}/deliveries/{delivery_id}/retry", tag = "webhooks",
    params(("id" = String, Path, description = "Webhook id"), ("delivery_id" = String, Path, description = "Delivery id")),
    security(("bearer" = ["webhooks:write"]), ("session" = [])),
    responses(
        (status = 202, description = "Queued again (same `webhook-id`)", body = IntegrationDelivery),
        (status = 409, description = "The webhook is disabled", body = Problem, content_type = "application/problem+json"),
        TokenAuth, NotFound,
    ))]
async fn retry(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, delivery_id)): Path<(String, String)>,
) -> ApiResult<(StatusCode, Json<IntegrationDelivery>)> {
    caller.require(Scope::WebhooksWrite)?;
    let d = deliveries::retry_delivery(&state, caller.organization_id(), ORG, &id, &delivery_id).await?;
    Ok((StatusCode::ACCEPTED, Json(d.into())))
}
