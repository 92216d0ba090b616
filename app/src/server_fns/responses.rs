//! Submitting a survey from the widget, and listing responses in the dashboard.

use crate::domain::page::Paginated;
use crate::domain::response::SurveyResponse;
use crate::domain::AppError;
use leptos::prelude::*;
use server_fn::codec::Json;

#[cfg(feature = "ssr")]
use super::ctx;

/// Takes the widget form's fields exactly as the browser would post them, so
/// the hydrated widget and the no-JavaScript form post share one reading of
/// the form (`domain::answers::from_form`).
#[server(prefix = "/rpc", endpoint = "submit_survey_form", input = Json)]
pub async fn submit_survey_form(survey_id: String, fields: Vec<(String, String)>) -> Result<String, AppError> {
    ctx::respond(
        async move {
            let state = ctx::state()?;
            let response = crate::backend::services::responses::submit_form(&state, &survey_id, &fields).await?;
            Ok(response.id)
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "list_responses")]
pub async fn list_responses(survey_id: String, page: u32) -> Result<Paginated<SurveyResponse>, AppError> {
    ctx::respond(
        async move {
            use crate::backend::services::responses::{list, ResponseFilter};
            use crate::domain::page::{PageRequest, DEFAULT_PER_PAGE};
            let me = ctx::me().await?;
            let page = PageRequest { page: page.max(1), per_page: DEFAULT_PER_PAGE };
            list(&ctx::state()?.db, &me.organization_id, &survey_id, &ResponseFilter::default(), page).await
        }
        .await,
    )
}
