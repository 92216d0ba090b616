//! `/api/survey-templates` and `/api/surveys/from-template`: the built-in
//! templates (NPS with follow-up, CSAT after purchase, …) in every widget
//! language, and a new draft survey made from one.

use super::error::ApiResult;
use super::extract::{ApiJson, ApiQuery, Caller};
use super::openapi::Problem;
use super::problems::{Idempotent, JsonBody, TokenAuth};
use app::backend::services::surveys::templates;
use app::backend::AppState;
use app::domain::scope::Scope;
use app::domain::survey::Survey;
use app::domain::survey_template::{TemplateSummary, WIDGET_LANGUAGES};
use app::domain::AppError;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(create))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ListParams {
    /// The language of the titles and summaries: en, el, de, fr, es, ar or he (default en).
    #[param(value_type = Option<String>, example = "de")]
    language: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct TemplateList {
    data: Vec<TemplateSummary>,
}

fn widget_language(field: &str, language: Option<String>) -> Result<String, AppError> {
    let language = language.unwrap_or_else(|| "en".into());
    if WIDGET_LANGUAGES.contains(&language.as_str()) {
        Ok(language)
    } else {
        Err(AppError::field(field, format!("must be one of {}", WIDGET_LANGUAGES.join(", "))))
    }
}

/// List the survey templates
///
/// The ready-made surveys the builder offers, titled and summarised in
/// `language`. Each one comes in every language the widget speaks.
#[utoipa::path(get, path = "/api/survey-templates", tag = "surveys", params(ListParams),
    security(("bearer" = ["surveys:read"]), ("session" = [])),
    responses(
        (status = 200, description = "Every template", body = TemplateList),
        (status = 422, description = "An unknown `language`", body = Problem, content_type = "application/problem+json"),
        TokenAuth,
    ))]
async fn list(caller: Caller, ApiQuery(params): ApiQuery<ListParams>) -> ApiResult<Json<TemplateList>> {
    caller.require(Scope::SurveysRead)?;
    let language = widget_language("language", params.language)?;
    Ok(Json(TemplateList { data: templates::list(&language) }))
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"template": "nps-follow-up", "language": "de"}))]
struct FromTemplate {
    /// A template's `id` from `GET /api/survey-templates`.
    template: String,
    /// The survey's default language (the others come as translations); default en.
    #[serde(default)]
    language: Option<String>,
    /// The survey's name instead of the template's.
    #[serde(default)]
    name: Option<String>,
}

/// Create a survey from a template
///
/// A new **draft** survey in the caller's organisation, written in
/// `language`, with the template's other languages as its translations.
#[utoipa::path(post, path = "/api/surveys/from-template", tag = "surveys", request_body = FromTemplate,
    params(("Idempotency-Key" = Option<String>, Header, description = "Repeat a request safely: the first result is replayed for 24 hours (with `Idempotent-Replayed: true`)")),
    security(("bearer" = ["surveys:write"]), ("session" = [])),
    responses(
        (status = 201, description = "The new draft survey", body = Survey,
            headers(("Location" = String, description = "The survey's URL"))),
        (status = 422, description = "An unknown `template` or `language`, or a bad `name`", body = Problem, content_type = "application/problem+json"),
        JsonBody, TokenAuth, Idempotent,
    ))]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<FromTemplate>,
) -> ApiResult<Response> {
    caller.require(Scope::SurveysWrite)?;
    let language = widget_language("language", body.language)?;
    let survey =
        templates::create_from(&state.db, caller.organization_id(), &body.template, &language, body.name).await?;
    let location = HeaderValue::from_str(&format!("/api/surveys/{}", survey.id)).expect("ids are ASCII");
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(survey)).into_response())
}
