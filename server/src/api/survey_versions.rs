//! `/api/surveys/{id}/versions`: the published versions of a survey, what
//! changed in each, and the definition each response was answered under.

use super::error::ApiResult;
use super::extract::{Caller, PageParams, Pagination};
use super::openapi::Problem;
use super::problems::{BadPage, TokenAuth};
use app::backend::services::surveys::{self, versions};
use app::backend::AppState;
use app::domain::page::Paginated;
use app::domain::scope::Scope;
use app::domain::survey_version::{SurveyVersion, SurveyVersionSummary};
use axum::extract::{Path, State};
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(read))
}

/// List a survey's published versions
///
/// Newest first. Publishing makes version 1; each later change to what
/// respondents see (questions, name, languages, translations, hidden fields,
/// thank-you text) made while published, or published later, makes the next.
/// Each entry says what changed against the version before it and how many
/// responses were answered under it.
#[utoipa::path(get, path = "/api/surveys/{id}/versions", tag = "surveys",
    params(("id" = String, Path, description = "Survey id (`srv_…`)"), PageParams),
    security(("bearer" = ["surveys:read"]), ("session" = [])),
    responses(
        (status = 200, description = "A page of versions, newest first", body = Paginated<SurveyVersionSummary>),
        (status = 404, description = "No such survey in your organisation", body = Problem, content_type = "application/problem+json"),
        TokenAuth, BadPage,
    ))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Pagination(page): Pagination,
) -> ApiResult<Json<Paginated<SurveyVersionSummary>>> {
    caller.require(Scope::SurveysRead)?;
    let survey = surveys::get(&state.db, caller.organization_id(), &id).await?;
    Ok(Json(versions::list(&state.db, &survey.id, page).await?))
}

/// Get one published version
///
/// The whole definition respondents answered under that version, with what
/// changed against the one before.
#[utoipa::path(get, path = "/api/surveys/{id}/versions/{number}", tag = "surveys",
    params(
        ("id" = String, Path, description = "Survey id (`srv_…`)"),
        ("number" = i64, Path, description = "Version number (1, 2, …)", minimum = 1),
    ),
    security(("bearer" = ["surveys:read"]), ("session" = [])),
    responses(
        (status = 200, description = "The version", body = SurveyVersion),
        (status = 404, description = "No such survey in your organisation, or no such version", body = Problem, content_type = "application/problem+json"),
        TokenAuth,
    ))]
async fn read(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, number)): Path<(String, String)>,
) -> ApiResult<Json<SurveyVersion>> {
    caller.require(Scope::SurveysRead)?;
    let survey = surveys::get(&state.db, caller.organization_id(), &id).await?;
    // Not a number is no such version, like a number never published.
    let number = number.parse::<i64>().map_err(|_| app::domain::AppError::not_found("version"))?;
    Ok(Json(versions::get(&state.db, &survey.id, number).await?))
}
