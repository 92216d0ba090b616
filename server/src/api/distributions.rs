//! `POST /api/surveys/{id}/distributions/quick` and the per-contact
//! `GET /api/surveys/{id}/responses/bulk-status` (the e-satisfaction integration pattern).

use super::error::ApiResult;
use super::extract::{ApiJson, ApiQuery, Caller};
use super::openapi::Problem;
use super::problems::{Idempotent, JsonBody, TokenAuth};
use app::backend::services::outreach::distributions;
use app::backend::AppState;
use app::domain::distribution::{BulkStatus, Distribution, DistributionSummary, QuickDistributionInput};
use app::domain::scope::Scope;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(quick)).routes(routes!(list)).routes(routes!(bulk_status))
}

/// Send a survey to contacts now
///
/// Existing contacts by `contactIds`, and/or new or updated ones in
/// `contacts` (upserted first, which also needs `contacts:write`: sending
/// alone never creates or changes a contact). One invitation per contact,
/// sent by email within moments; opted-out contacts and contacts without an
/// email are listed in `skipped`. A contact who unsubscribed through the
/// link stays unsubscribed whatever `optedOut` says: only they can undo it.
/// Organisations sending through this server's mail server have a daily
/// quota of invitations (429 `quota_exceeded`, `quota: mail_daily`).
#[utoipa::path(post, path = "/api/surveys/{id}/distributions/quick", tag = "distributions", request_body = QuickDistributionInput,
    params(
        ("id" = String, Path, description = "Survey id (`srv_…`)"),
        ("Idempotency-Key" = Option<String>, Header, description = "Repeat a request safely: the first result is replayed for 24 hours"),
    ),
    security(("bearer" = ["distributions:write"]), ("session" = [])),
    responses(
        (status = 202, description = "Accepted: one invitation per contact", body = Distribution),
        (status = 401, description = "No or invalid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Missing scope distributions:write (or contacts:write, for `contacts`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "The organisation's daily invitation quota is used up (`quota_exceeded`); `Retry-After` says when room opens", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such survey in your organisation", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid contacts, or the survey is not published", body = Problem, content_type = "application/problem+json"),
        JsonBody, Idempotent,
    ))]
async fn quick(
    State(state): State<AppState>,
    caller: Caller,
    Path(survey_id): Path<String>,
    ApiJson(input): ApiJson<QuickDistributionInput>,
) -> ApiResult<(StatusCode, Json<Distribution>)> {
    caller.require(Scope::DistributionsWrite)?;
    if !input.contacts.is_empty() {
        caller.require(Scope::ContactsWrite)?;
    }
    let distribution = distributions::quick(&state, caller.organization_id(), &survey_id, input).await?;
    Ok((StatusCode::ACCEPTED, Json(distribution)))
}

/// List a survey's distributions
#[utoipa::path(get, path = "/api/surveys/{id}/distributions", tag = "distributions",
    params(("id" = String, Path, description = "Survey id (`srv_…`)")),
    security(("bearer" = ["responses:read"]), ("session" = [])),
    responses(
        (status = 200, description = "The latest 200 distributions, newest first", body = Vec<DistributionSummary>),
        (status = 404, description = "No such survey in your organisation", body = Problem, content_type = "application/problem+json"),
        TokenAuth,
    ))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(survey_id): Path<String>,
) -> ApiResult<Json<Vec<DistributionSummary>>> {
    caller.require(Scope::ResponsesRead)?;
    Ok(Json(distributions::list(&state.db, caller.organization_id(), &survey_id).await?))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct StatusQuery {
    /// Comma-separated contact ids (`con_…`), at most 1,000.
    #[serde(rename = "contactIds")]
    #[param(rename = "contactIds")]
    contact_ids: Option<String>,
    /// Or: every contact of this distribution (`dst_…`).
    #[serde(rename = "distributionId")]
    #[param(rename = "distributionId")]
    distribution_id: Option<String>,
}

/// Each contact's status with a survey
///
/// `not_sent`, `sent`, `opened` (the link), `started` (a first answer) or
/// `completed`; the furthest of the contact's invitations (a completed
/// response linked to the contact any other way also counts).
#[utoipa::path(get, path = "/api/surveys/{id}/responses/bulk-status", tag = "distributions",
    params(("id" = String, Path, description = "Survey id (`srv_…`)"), StatusQuery),
    security(("bearer" = ["responses:read"]), ("session" = [])),
    responses(
        (status = 200, description = "One entry per contact, in the order asked", body = BulkStatus),
        (status = 404, description = "No such survey in your organisation", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Neither or both of contactIds and distributionId, or too many ids", body = Problem, content_type = "application/problem+json"),
        TokenAuth,
    ))]
async fn bulk_status(
    State(state): State<AppState>,
    caller: Caller,
    Path(survey_id): Path<String>,
    ApiQuery(query): ApiQuery<StatusQuery>,
) -> ApiResult<Json<BulkStatus>> {
    caller.require(Scope::ResponsesRead)?;
    let ids = query
        .contact_ids
        .map(|ids| ids.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect::<Vec<_>>());
    let entries =
        distributions::bulk_status(&state.db, caller.organization_id(), &survey_id, ids, query.distribution_id).await?;
    Ok(Json(BulkStatus { data: entries }))
}
