//! Listing responses in the dashboard.

use crate::domain::page::Paginated;
use crate::domain::response::SurveyResponse;
use crate::domain::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::ctx;

#[server(prefix = "/rpc", endpoint = "list_responses")]
pub async fn list_responses(survey_id: String, page: u32) -> Result<Paginated<SurveyResponse>, AppError> {
    ctx::respond(
        async move {
            let state = ctx::state()?;
            use crate::backend::services::responses::{list, ResponseFilter};
            use crate::domain::page::{PageRequest, DEFAULT_PER_PAGE};
            let me = ctx::me().await?;
            let page = PageRequest { page: page.max(1), per_page: DEFAULT_PER_PAGE };
            list(&state.db, &me.organization_id, &survey_id, &ResponseFilter::default(), page).await
        }
        .await,
    )
}
