//! `/api/surveys/{id}/responses` and `/api/responses/{id}`: reading and deleting responses.

use super::error::{ApiError, ApiResult};
use super::extract::{Caller, PageParams, Pagination};
use super::openapi::Problem;
use super::problems::TokenAuth;
use app::backend::services::responses::{self, ResponseFilter};
use app::backend::AppState;
use app::domain::page::Paginated;
use app::domain::response::SurveyResponse;
use app::domain::scope::Scope;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(read, remove))
}

/// The fixed keys of the response filter, for the document; the filter
/// itself is read by `ResponseFilter::from_query`, the one parser the
/// dashboard shares, and a test below holds the two together.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct FilterParams {
    /// Only responses created at or after this time (RFC 3339).
    from: Option<chrono::DateTime<chrono::Utc>>,
    /// Only responses created before this time (RFC 3339).
    to: Option<chrono::DateTime<chrono::Utc>>,
    /// Only complete (`true`) or partial (`false`) responses.
    completed: Option<bool>,
    /// Only responses linked to this contact (`con_…`).
    #[param(rename = "contactId")]
    contact_id: Option<String>,
    /// Only responses shown in this language.
    language: Option<String>,
    /// Only responses answered under this published version (`GET /api/surveys/{id}/versions`).
    #[param(minimum = 1)]
    version: Option<i64>,
    /// Only responses carrying this tag (its name, any case, or its id `tag_…`);
    /// repeat it (up to 10) for responses carrying all of them.
    tag: Option<String>,
}

/// The response filter in the query string (see `ResponseFilter::from_query`).
pub struct Filtered(pub ResponseFilter);

impl<S: Send + Sync> FromRequestParts<S> for Filtered {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        ResponseFilter::from_query(parts.uri.query().unwrap_or("")).map(Filtered).map_err(ApiError)
    }
}

/// List a survey's responses
///
/// Newest first, in a stable order (creation time, then id). Besides the
/// parameters below, up to 10 of: `metadata.KEY=VALUE` (e.g.
/// `?metadata.orderId=A-1042`; numbers and booleans compare as their JSON
/// text), `hidden.NAME=VALUE`, and `answer.QUESTION=OP:VALUE` with OP one of
/// `eq ne lt lte gt gte` (`answer.q1=lte:6`: detractors; `answer.q2=food`:
/// chose "food"). All must match. `from`/`to` also take a date (`to` then
/// includes that day).
#[utoipa::path(get, path = "/api/surveys/{id}/responses", tag = "responses",
    params(("id" = String, Path, description = "Survey id (`srv_…`)"), FilterParams, PageParams),
    security(("bearer" = ["responses:read"]), ("session" = [])),
    responses(
        (status = 200, description = "A page of responses", body = Paginated<SurveyResponse>),
        (status = 404, description = "No such survey in your organisation", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad filter or pagination parameter", body = Problem, content_type = "application/problem+json"),
        TokenAuth,
    ))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(survey_id): Path<String>,
    Pagination(page): Pagination,
    Filtered(filter): Filtered,
) -> ApiResult<Json<Paginated<SurveyResponse>>> {
    caller.require(Scope::ResponsesRead)?;
    Ok(Json(responses::list(&state.db, caller.organization_id(), &survey_id, &filter, page).await?))
}

/// Get a response
#[utoipa::path(get, path = "/api/responses/{id}", tag = "responses",
    params(("id" = String, Path, description = "Response id (`rsp_…`)")),
    security(("bearer" = ["responses:read"]), ("session" = [])),
    responses(
        (status = 200, description = "The response", body = SurveyResponse),
        (status = 404, description = "No such response in your organisation", body = Problem, content_type = "application/problem+json"),
        TokenAuth,
    ))]
async fn read(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<SurveyResponse>> {
    caller.require(Scope::ResponsesRead)?;
    Ok(Json(responses::get(&state.db, caller.organization_id(), &id).await?))
}

/// Delete a response and its personal data
#[utoipa::path(delete, path = "/api/responses/{id}", tag = "responses",
    params(("id" = String, Path, description = "Response id (`rsp_…`)")),
    security(("bearer" = ["responses:write"]), ("session" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such response in your organisation", body = Problem, content_type = "application/problem+json"),
        TokenAuth,
    ))]
async fn remove(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult<StatusCode> {
    caller.require(Scope::ResponsesWrite)?;
    responses::delete(&state, caller.organization_id(), &caller.actor(), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use utoipa::IntoParams;

    /// Every key the document promises is one the parser reads.
    #[test]
    fn the_documented_filter_keys_are_the_parsed_ones() {
        let sample = |name: &str| match name {
            "from" | "to" => "2026-01-31",
            "completed" => "true",
            "contactId" => "con_1",
            "language" => "el",
            "version" => "2",
            "tag" => "urgent",
            other => panic!("no sample value for the documented parameter {other}"),
        };
        let documented = FilterParams::into_params(|| None);
        assert!(!documented.is_empty());
        for param in documented {
            let query = format!("{}={}", param.name, sample(&param.name));
            let filter = ResponseFilter::from_query(&query).unwrap();
            assert_ne!(filter, ResponseFilter::default(), "{query} is documented but ignored");
        }
    }
}
