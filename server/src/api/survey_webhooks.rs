//! `/api/surveys/{surveyId}/webhooks`: a survey's webhooks (the e-satisfaction survey-webhook shape).

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
use app::domain::webhook::{Delivery, SurveyWebhook, SurveyWebhookInput, TestEventInput, WebhookPatch};
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
        .routes(routes!(send_test))
        .routes(routes!(deliveries))
        .routes(routes!(delivery))
        .routes(routes!(retry))
}

/// List a survey's webhooks
#[utoipa::path(get, path = "/api/surveys/{surveyId}/webhooks", tag = "webhooks",
    params(("surveyId" = String, Path, description = "Survey id")),
    security(("bearer" = ["webhooks:read"]), ("session" = [])),
    responses(
        (status = 200, description = "The survey's webhooks (secrets never shown)", body = Paginated<SurveyWebhook>),
        (status = 404, description = "No such survey in your organisation", body = Problem, content_type = "application/problem+json"),
        TokenAuth,
    ))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(survey_id): Path<String>,
) -> ApiResult<Json<Paginated<SurveyWebhook>>> {
    caller.require(Scope::WebhooksRead)?;
    let all: Vec<SurveyWebhook> = webhooks::list(&state.db, caller.organization_id(), Family::Survey(&survey_id))
        .await?
        .into_iter()
        .map(|e| e.into_survey_shape(None))
        .collect();
    let total = all.len() as i64;
    Ok(Json(Paginated::new(all, PageRequest { page: 1, per_page: total.max(1) as u32 }, total)))
}

/// Create a survey webhook
///
/// `secret` is yours (16–256 characters) or, when absent, generated
/// (`whsec_…`) and returned in this answer only. `events: ["*"]` subscribes to
/// all current and future events; `survey.response_completed` is accepted for
/// `survey.response.completed`.
#[utoipa::path(post, path = "/api/surveys/{surveyId}/webhooks", tag = "webhooks", request_body = SurveyWebhookInput,
    params(("surveyId" = String, Path, description = "Survey id")),
    security(("bearer" = ["webhooks:write"]), ("session" = [])),
    responses(
        (status = 201, description = "Created", body = SurveyWebhook, headers(("Location" = String, description = "The webhook's URL"))),
        (status = 404, description = "No such survey in your organisation", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid URL (https required; private addresses refused), events or secret", body = Problem, content_type = "application/problem+json"),
        JsonBody, TokenAuth,
    ))]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(survey_id): Path<String>,
    ApiJson(input): ApiJson<SurveyWebhookInput>,
) -> ApiResult<Response> {
    caller.require(Scope::WebhooksWrite)?;
    let created =
        webhooks::create_for_survey(&state, caller.organization_id(), &caller.actor(), &survey_id, input).await?;
    let location = format!("/api/surveys/{survey_id}/webhooks/{}", created.id);
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(created)).into_response())
}

/// Get a survey webhook
#[utoipa::path(get, path = "/api/surveys/{surveyId}/webhooks/{id}", tag = "webhooks",
    params(("surveyId" = String, Path, description = "Survey id"), ("id" = String, Path, description = "Webhook id (`whe_…`)")),
    security(("bearer" = ["webhooks:read"]), ("session" = [])),
    responses(
        (status = 200, description = "The webhook", body = SurveyWebhook),
        TokenAuth, NotFound,
    ))]
async fn read(
    State(state): State<AppState>,
    caller: Caller,
    Path((survey_id, id)): Path<(String, String)>,
) -> ApiResult<Json<SurveyWebhook>> {
    caller.require(Scope::WebhooksRead)?;
    Ok(Json(
        webhooks::get(&state.db, caller.organization_id(), Family::Survey(&survey_id), &id)
            .await?
            .into_survey_shape(None),
    ))
}

/// Update a survey webhook
#[utoipa::path(patch, path = "/api/surveys/{surveyId}/webhooks/{id}", tag = "webhooks", request_body = WebhookPatch,
    params(("surveyId" = String, Path, description = "Survey id"), ("id" = String, Path, description = "Webhook id")),
    security(("bearer" = ["webhooks:write"]), ("session" = [])),
    responses(
        (status = 200, description = "Updated", body = SurveyWebhook),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        JsonBody, TokenAuth, NotFound,
    ))]
async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path((survey_id, id)): Path<(String, String)>,
    ApiJson(patch): ApiJson<WebhookPatch>,
) -> ApiResult<Json<SurveyWebhook>> {
    caller.require(Scope::WebhooksWrite)?;
    let updated =
        webhooks::update(&state, caller.organization_id(), &caller.actor(), Family::Survey(&survey_id), &id, patch)
            .await?;
    Ok(Json(updated.into_survey_shape(None)))
}

/// Delete a survey webhook and its delivery history
#[utoipa::path(delete, path = "/api/surveys/{surveyId}/webhooks/{id}", tag = "webhooks",
    params(("surveyId" = String, Path, description = "Survey id"), ("id" = String, Path, description = "Webhook id")),
    security(("bearer" = ["webhooks:write"]), ("session" = [])),
    responses(
        (status = 204, description = "Deleted"),
        TokenAuth, NotFound,
    ))]
async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path((survey_id, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    caller.require(Scope::WebhooksWrite)?;
    webhooks::delete(&state, caller.organization_id(), &caller.actor(), Family::Survey(&survey_id), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Send a test event
///
/// A sample payload with `"test": true`, through the same pipeline as real events.
#[utoipa::path(post, path = "/api/surveys/{surveyId}/webhooks/{id}/test", tag = "webhooks", request_body(content = Option<TestEventInput>),
    params(("surveyId" = String, Path, description = "Survey id"), ("id" = String, Path, description = "Webhook id")),
    security(("bearer" = ["webhooks:write"]), ("session" = [])),
    responses(
        (status = 202, description = "Queued", body = Delivery),
        (status = 409, description = "The webhook is disabled", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown event", body = Problem, content_type = "application/problem+json"),
        JsonBody, TokenAuth, NotFound,
    ))]
async fn send_test(
    State(state): State<AppState>,
    caller: Caller,
    Path((survey_id, id)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> ApiResult<(StatusCode, Json<Delivery>)> {
    caller.require(Scope::WebhooksWrite)?;
    let event = if body.is_empty() { None } else { parse_json::<TestEventInput>(&body)?.event };
    let delivery =
        webhooks::send_test(&state, caller.organization_id(), Family::Survey(&survey_id), &id, event.as_deref())
            .await?;
    Ok((StatusCode::ACCEPTED, Json(delivery)))
}

/// List a webhook's deliveries
#[utoipa::path(get, path = "/api/surveys/{surveyId}/webhooks/{id}/deliveries", tag = "webhooks",
    params(("surveyId" = String, Path, description = "Survey id"), ("id" = String, Path, description = "Webhook id"), DeliveryParams, PageParams),
    security(("bearer" = ["webhooks:read"]), ("session" = [])),
    responses(
        (status = 200, description = "Deliveries, newest first", body = Paginated<Delivery>),
        (status = 422, description = "Bad filter", body = Problem, content_type = "application/problem+json"),
        TokenAuth, NotFound,
    ))]
async fn deliveries(
    State(state): State<AppState>,
    caller: Caller,
    Path((survey_id, id)): Path<(String, String)>,
    Pagination(page): Pagination,
    ApiQuery(params): ApiQuery<DeliveryParams>,
) -> ApiResult<Json<Paginated<Delivery>>> {
    caller.require(Scope::WebhooksRead)?;
    Ok(Json(
        deliveries::list_deliveries(
            &state.db,
            caller.organization_id(),
            Family::Survey(&survey_id),
            &id,
            &params.into(),
            page,
        )
        .await?,
    ))
}

/// Get a delivery with every attempt
#[utoipa::path(get, path = "/api/surveys/{surveyId}/webhooks/{id}/deliveries/{deliveryId}", tag = "webhooks",
    params(("surveyId" = String, Path, description = "Survey id"), ("id" = String, Path, description = "Webhook id"), ("deliveryId" = String, Path, description = "Delivery id (`del_…`)")),
    security(("bearer" = ["webhooks:read"]), ("session" = [])),
    responses(
        (status = 200, description = "The delivery, its body and its attempts", body = Delivery),
        TokenAuth, NotFound,
    ))]
async fn delivery(
    State(state): State<AppState>,
    caller: Caller,
    Path((survey_id, id, delivery_id)): Path<(String, String, String)>,
) -> ApiResult<Json<Delivery>> {
    caller.require(Scope::WebhooksRead)?;
    Ok(Json(
        deliveries::get_delivery(&state.db, caller.organization_id(), Family::Survey(&survey_id), &id, &delivery_id)
            .await?,
    ))
}

/// Retry a delivery now
#[utoipa::path(post, path = "/api/surveys/{surveyId}/webhooks/{id}/deliveries/{deliveryId}/retry", tag = "webhooks",
    params(("surveyId" = String, Path, description = "Survey id"), ("id" = String, Path, description = "Webhook id"), ("deliveryId" = String, Path, description = "Delivery id")),
    security(("bearer" = ["webhooks:write"]), ("session" = [])),
    responses(
        (status = 202, description = "Queued again (same `webhook-id`)", body = Delivery),
        (status = 409, description = "The webhook is disabled", body = Problem, content_type = "application/problem+json"),
        TokenAuth, NotFound,
    ))]
async fn retry(
    State(state): State<AppState>,
    caller: Caller,
    Path((survey_id, id, delivery_id)): Path<(String, String, String)>,
) -> ApiResult<(StatusCode, Json<Delivery>)> {
    caller.require(Scope::WebhooksWrite)?;
    let d = deliveries::retry_delivery(&state, caller.organization_id(), Family::Survey(&survey_id), &id, &delivery_id)
        .await?;
    Ok((StatusCode::ACCEPTED, Json(d)))
}
