//! A survey's overview (`/overview`), its text answers, the streamed export of
//! its responses, and the live feed dashboards listen to.

use super::error::{ApiError, ApiResult};
use super::extract::{ApiQuery, Caller, Credential, PageParams, Pagination};
use super::openapi::Problem;
use super::problems::TokenAuth;
use super::responses::{FilterParams, Filtered};
use app::backend::services::responses::export::{self, Format};
use app::backend::services::{responses::analytics, surveys};
use app::backend::AppState;
use app::domain::metrics::{Interval, Overview, TextAnswer};
use app::domain::page::Paginated;
use app::domain::scope::Scope;
use app::domain::AppError;
use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderValue};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures::stream::{self, Stream, StreamExt};
use serde::Deserialize;
use std::convert::Infallible;
use std::time::Duration;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(overview))
        .routes(routes!(text_answers))
        .routes(routes!(export_responses))
        .routes(routes!(live))
}

/// Parsed by `ApiQuery`; the filters beside it by `Filtered`.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct OverviewParams {
    /// How the trend is grouped: `day` (default), `week` or `month`.
    #[param(inline)]
    interval: Option<Interval>,
}

/// A survey's overview
///
/// Responses, completion rate, NPS (score, promoters, passives, detractors)
/// of the first NPS question, CSAT (% satisfied) of the first CSAT question,
/// the average of the first rating question, their trend, and every
/// question's distribution — all under the same filters as the response list.
#[utoipa::path(get, path = "/api/surveys/{id}/overview", tag = "responses",
    params(("id" = String, Path, description = "Survey id (`srv_…`)"), OverviewParams, FilterParams),
    security(("bearer" = ["responses:read"]), ("session" = [])),
    responses(
        (status = 200, description = "The overview", body = Overview),
        (status = 404, description = "No such survey in your organisation", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad filter", body = Problem, content_type = "application/problem+json"),
        TokenAuth,
    ))]
async fn overview(
    State(state): State<AppState>,
    caller: Caller,
    Path(survey_id): Path<String>,
    Filtered(filter): Filtered,
    ApiQuery(params): ApiQuery<OverviewParams>,
) -> ApiResult<Json<Overview>> {
    caller.require(Scope::ResponsesRead)?;
    let interval = params.interval.unwrap_or_default();
    Ok(Json(analytics::overview(&state.db, caller.organization_id(), &survey_id, &filter, interval).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct TextParams {
    /// The question (`q2`), or a choice question's "other" text (`q3.other`).
    #[serde(default)]
    question: String,
    /// Only answers containing this (ignoring case).
    search: Option<String>,
}

/// A question's text answers
#[utoipa::path(get, path = "/api/surveys/{id}/text-answers", tag = "responses",
    params(("id" = String, Path, description = "Survey id (`srv_…`)"), TextParams, FilterParams, PageParams),
    security(("bearer" = ["responses:read"]), ("session" = [])),
    responses(
        (status = 200, description = "A page of answers, newest first", body = Paginated<TextAnswer>),
        (status = 404, description = "No such survey in your organisation", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No question named, or a bad filter", body = Problem, content_type = "application/problem+json"),
        TokenAuth,
    ))]
async fn text_answers(
    State(state): State<AppState>,
    caller: Caller,
    Path(survey_id): Path<String>,
    Pagination(page): Pagination,
    Filtered(filter): Filtered,
    ApiQuery(TextParams { question, search }): ApiQuery<TextParams>,
) -> ApiResult<Json<Paginated<TextAnswer>>> {
    caller.require(Scope::ResponsesRead)?;
    if question.is_empty() {
        return Err(ApiError(AppError::field("question", "name the question, e.g. question=q2")));
    }
    let found = analytics::text_answers(
        &state.db,
        caller.organization_id(),
        &survey_id,
        &question,
        search.as_deref(),
        &filter,
        page,
    )
    .await?;
    Ok(Json(found))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ExportParams {
    /// `csv` (default) or `ndjson`.
    format: Option<String>,
}

/// Export responses
///
/// The filtered responses, oldest first, streamed: CSV (a column per
/// question with choice labels, per hidden field, and the metadata as JSON;
/// cells that a spreadsheet would run as formulas are defused) or NDJSON (one
/// response object per line, as the API returns it). `X-Total-Count` says how
/// many rows are coming.
#[utoipa::path(get, path = "/api/surveys/{id}/responses/export", tag = "responses",
    params(("id" = String, Path, description = "Survey id (`srv_…`)"), ExportParams, FilterParams),
    security(("bearer" = ["responses:read"]), ("session" = [])),
    responses(
        (status = 200, description = "The export", content_type = "text/csv", body = String,
            headers(("X-Total-Count" = i64, description = "Rows in the export"))),
        (status = 404, description = "No such survey in your organisation", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad format or filter", body = Problem, content_type = "application/problem+json"),
        TokenAuth,
    ))]
async fn export_responses(
    State(state): State<AppState>,
    caller: Caller,
    Path(survey_id): Path<String>,
    Filtered(filter): Filtered,
    ApiQuery(params): ApiQuery<ExportParams>,
    RawQuery(query): RawQuery,
) -> ApiResult<Response> {
    caller.require(Scope::ResponsesRead)?;
    let format = match params.format {
        None => Format::Csv,
        Some(text) => Format::parse(&text).ok_or_else(|| ApiError(AppError::field("format", "csv or ndjson")))?,
    };
    let org_id = caller.organization_id().to_string();
    let survey = surveys::get(&state.db, &org_id, &survey_id).await?;
    // A column for every answer ever given, also to questions since removed.
    let survey = surveys::versions::with_earlier_parts(&state.db, survey).await?;
    let filter = filter.resolved(&survey.questions)?;
    let total = export::count(&state.db, &org_id, &survey_id, &filter).await?;
    export::record_started(&state.db, &org_id, &caller.actor(), &survey_id, format, query.as_deref(), total).await;
    let header_row = match format {
        Format::Csv => export::csv_header(&survey),
        Format::Ndjson => String::new(),
    };
    // Page by page: the first chunk is the header, then one chunk per page until a short page.
    let pages = stream::unfold(Some(None), move |cursor| {
        let (db, org_id, survey, filter) = (state.db.clone(), org_id.clone(), survey.clone(), filter.clone());
        async move {
            let cursor = cursor?;
            match export::page(&db, &org_id, &survey.id, &filter, &cursor).await {
                Ok((responses, next)) => {
                    let mut chunk = String::new();
                    for r in &responses {
                        chunk.push_str(&match format {
                            Format::Csv => export::csv_row(&survey, r),
                            Format::Ndjson => export::ndjson_row(r),
                        });
                    }
                    let more = (responses.len() as i64 == export::PAGE).then_some(next);
                    Some((Ok::<Bytes, std::io::Error>(Bytes::from(chunk)), more))
                }
                // The status line is gone; end the body early so the client sees a short, broken file.
                Err(e) => Some((Err(std::io::Error::other(e.to_string())), None)),
            }
        }
    });
    // Fused: the compression layer may poll once more after the end.
    let body = stream::once(async move { Ok::<Bytes, std::io::Error>(Bytes::from(header_row)) }).chain(pages).fuse();
    let filename = format!("attachment; filename=\"{}-responses.{}\"", survey_id, format.extension());
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(format.content_type())),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&filename).map_err(|_| ApiError(AppError::not_found("survey")))?,
            ),
            (header::HeaderName::from_static("x-total-count"), HeaderValue::from(total)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        Body::from_stream(body),
    )
        .into_response())
}

/// Live changes
///
/// Server-sent events: a `response` event (data: the time of the latest
/// change, epoch ms) whenever a response of the survey is created, answered
/// further or completed, on any replica. Dashboards refresh on it.
#[utoipa::path(get, path = "/api/surveys/{id}/live", tag = "responses",
    params(("id" = String, Path, description = "Survey id (`srv_…`)")),
    security(("bearer" = ["responses:read"]), ("session" = [])),
    responses(
        (status = 200, description = "An event stream", content_type = "text/event-stream", body = String),
        (status = 404, description = "No such survey in your organisation", body = Problem, content_type = "application/problem+json"),
        TokenAuth,
    ))]
async fn live(
    State(state): State<AppState>,
    caller: Caller,
    Path(survey_id): Path<String>,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    caller.require(Scope::ResponsesRead)?;
    surveys::get(&state.db, caller.organization_id(), &survey_id).await?;
    let start = analytics::last_change(&state.db, &survey_id).await?;
    let (credential, org_id) = (caller.credential.clone(), caller.organization_id.clone());
    let events = stream::unfold(start, move |seen| {
        let (state, survey_id, credential, org_id) =
            (state.clone(), survey_id.clone(), credential.clone(), org_id.clone());
        async move {
            let db = &state.db;
            // The database is the meeting point of all replicas: look once a second.
            loop {
                tokio::time::sleep(Duration::from_secs(1)).await;
                // A revoked token or an ended session ends the feed too.
                if !still_valid(&state, &credential, &org_id).await {
                    return None;
                }
                match analytics::last_change(db, &survey_id).await {
                    Ok(latest) if latest > seen => {
                        return Some((Ok(Event::default().event("response").data(latest.to_string())), latest))
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "live feed: reading the latest change failed"),
                }
            }
        }
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::default()))
}

/// Whether the credential a live feed was opened with still holds.
async fn still_valid(state: &AppState, credential: &Credential, org_id: &str) -> bool {
    match credential {
        Credential::Session(token) => {
            matches!(app::backend::auth::session::resolve(&state.db, token).await, Ok(Some(me)) if me.organization_id == org_id)
        }
        Credential::Token(id) => matches!(
            state.tokens.access(&state.db, id, org_id).await,
            Ok(app::backend::auth::token_registry::TokenAccess::Allowed { role }) if role.allows(Scope::ResponsesRead)
        ),
    }
}
