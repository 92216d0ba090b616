//! The survey page's back end: overview, filtered responses, text answers,
//! one response's detail, deleting a response. Filters arrive as the page's
//! own query string and are read by the same parser as the REST API.

use crate::domain::metrics::{Overview, TextAnswer};
use crate::domain::page::Paginated;
use crate::domain::response::SurveyResponse;
use crate::domain::response_detail::ResponseDetail;
use crate::domain::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::ctx;

#[cfg(feature = "ssr")]
fn filter(query: &str) -> Result<crate::backend::services::responses::filter::ResponseFilter, AppError> {
    crate::backend::services::responses::filter::ResponseFilter::from_query(query.trim_start_matches('?'))
}

#[server(prefix = "/rpc", endpoint = "survey_overview")]
pub async fn survey_overview(survey_id: String, query: String, interval: String) -> Result<Overview, AppError> {
    ctx::as_member(|state, me| async move {
        let interval = crate::domain::metrics::Interval::parse(&interval).unwrap_or_default();
        crate::backend::services::responses::analytics::overview(
            &state.db,
            &me.organization_id,
            &survey_id,
            &filter(&query)?,
            interval,
        )
        .await
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "filtered_responses")]
pub async fn filtered_responses(
    survey_id: String,
    query: String,
    page: u32,
) -> Result<Paginated<SurveyResponse>, AppError> {
    ctx::respond(
        async move {
            let state = ctx::state()?;
            use crate::domain::page::{PageRequest, DEFAULT_PER_PAGE};
            let me = ctx::me().await?;
            let page = PageRequest { page: page.max(1), per_page: DEFAULT_PER_PAGE };
            crate::backend::services::responses::list(
                &state.db,
                &me.organization_id,
                &survey_id,
                &filter(&query)?,
                page,
            )
            .await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "survey_text_answers")]
pub async fn survey_text_answers(
    survey_id: String,
    question_id: String,
    search: String,
    query: String,
) -> Result<Paginated<TextAnswer>, AppError> {
    ctx::respond(
        async move {
            let state = ctx::state()?;
            use crate::domain::page::PageRequest;
            let me = ctx::me().await?;
            let page = PageRequest { page: 1, per_page: 20 };
            crate::backend::services::responses::analytics::text_answers(
                &state.db,
                &me.organization_id,
                &survey_id,
                &question_id,
                Some(search.as_str()),
                &filter(&query)?,
                page,
            )
            .await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "get_response_detail")]
pub async fn get_response_detail(id: String) -> Result<ResponseDetail, AppError> {
    ctx::as_member(|state, me| async move {
        crate::backend::services::responses::detail(&state.db, &me.organization_id, &id).await
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "delete_response")]
pub async fn delete_response(id: String) -> Result<(), AppError> {
    ctx::as_editor(|state, me| async move {
        crate::backend::services::responses::delete(&state, &me.organization_id, &ctx::actor(&me), &id).await
    })
    .await
}
