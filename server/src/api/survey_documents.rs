//! `/api/surveys/{id}/export` and `/api/surveys/import`: a survey as a
//! portable JSON document, to copy it into another organisation or instance.

use super::error::{ApiError, ApiResult};
use super::extract::{ApiJson, ApiQuery, Caller};
use super::openapi::Problem;
use super::problems::{Idempotent, JsonBody, TokenAuth};
use app::backend::services::surveys;
use app::backend::AppState;
use app::domain::scope::Scope;
use app::domain::survey_document::{IdMode, SurveyDocument, SurveyImport};
use app::domain::AppError;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(export)).routes(routes!(import))
}

/// Export a survey as JSON
///
/// The survey's whole definition (questions, logic, languages, theme, hidden
/// fields, embed and invitation settings) as a `vox.survey` document, ready
/// for `POST /api/surveys/import`. Nothing of its history: no id, responses
/// or versions.
#[utoipa::path(get, path = "/api/surveys/{id}/export", tag = "surveys",
    params(("id" = String, Path, description = "Survey id (`srv_…`)")),
    security(("bearer" = ["surveys:read"]), ("session" = [])),
    responses(
        (status = 200, description = "The document, as a download", body = SurveyDocument,
            headers(("Content-Disposition" = String, description = "`attachment; filename=\"<id>.vox-survey.json\"`"))),
        (status = 404, description = "No such survey in your organisation", body = Problem, content_type = "application/problem+json"),
        TokenAuth,
    ))]
async fn export(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult<Response> {
    caller.require(Scope::SurveysRead)?;
    let document = surveys::export(&state.db, caller.organization_id(), &id).await?;
    // The id was checked by the lookup: letters, digits and '_' only.
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{id}.vox-survey.json\""))
        .map_err(|_| ApiError(AppError::not_found("survey")))?;
    Ok(([(header::CONTENT_DISPOSITION, disposition)], Json(document)).into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ImportParams {
    /// `keep` (the default) keeps the document's question ids; `remap`
    /// numbers the questions `q1`, `q2`, … and rewrites every reference.
    #[param(value_type = Option<String>, example = "keep")]
    ids: Option<String>,
}

/// Import a survey from JSON
///
/// Creates a new **draft** survey from a `vox.survey` document (what
/// `GET /api/surveys/{id}/export` gives), in the caller's organisation. A
/// problem in the document is a 422 naming its place (`survey.questions[2].id`).
// The body's example is given whole: without it schemathesis builds one
// property by property, which trips a Hypothesis internal error now and then.
#[utoipa::path(post, path = "/api/surveys/import", tag = "surveys",
    request_body(content = SurveyDocument, example = json!({"format": "vox.survey", "formatVersion": 1,
        "survey": {"name": "After checkout", "questions": [
            {"id": "q1", "type": "nps", "title": "How likely are you to recommend us?", "required": true}]}})),
    params(
        ImportParams,
        ("Idempotency-Key" = Option<String>, Header, description = "Repeat a request safely: the first result is replayed for 24 hours (with `Idempotent-Replayed: true`)"),
    ),
    security(("bearer" = ["surveys:write"]), ("session" = [])),
    responses(
        (status = 201, description = "The new draft survey, and the question ids that changed", body = SurveyImport,
            headers(("Location" = String, description = "The survey's URL"))),
        (status = 422, description = "Not a survey document this Vox reads, an invalid survey, or an unknown `ids`; `errors` names each field", body = Problem, content_type = "application/problem+json"),
        JsonBody, TokenAuth, Idempotent,
    ))]
async fn import(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(params): ApiQuery<ImportParams>,
    ApiJson(document): ApiJson<SurveyDocument>,
) -> ApiResult<Response> {
    caller.require(Scope::SurveysWrite)?;
    let ids = match params.ids.as_deref() {
        None => IdMode::Keep,
        Some(text) => IdMode::parse(text).ok_or_else(|| AppError::field("ids", "must be keep or remap"))?,
    };
    let imported = surveys::import(&state.db, caller.organization_id(), document, ids).await?;
    let location = HeaderValue::from_str(&format!("/api/surveys/{}", imported.survey.id)).expect("ids are ASCII");
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(imported)).into_response())
}
