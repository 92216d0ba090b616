//! The survey builder's and survey list's back end.

use crate::domain::page::Paginated;
use crate::domain::survey::{Survey, SurveyDraft, SurveyPatch, SurveyStatus};
use crate::domain::survey_document::SurveyImport;
use crate::domain::survey_template::TemplateSummary;
use crate::domain::survey_version::{PublishedIds, SurveyVersionSummary};
use crate::domain::AppError;
use leptos::prelude::*;
use server_fn::codec::Json;

#[cfg(feature = "ssr")]
use super::ctx;

#[server(prefix = "/rpc", endpoint = "list_surveys")]
pub async fn list_surveys(page: u32) -> Result<Paginated<Survey>, AppError> {
    ctx::respond(
        async move {
            let state = ctx::state()?;
            use crate::domain::page::{PageRequest, DEFAULT_PER_PAGE};
            let me = ctx::me().await?;
            let page = PageRequest { page: page.max(1), per_page: DEFAULT_PER_PAGE };
            crate::backend::services::surveys::list(&state.db, &me.organization_id, page).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "create_survey", input = Json)]
pub async fn create_survey(draft: SurveyDraft) -> Result<Survey, AppError> {
    ctx::as_editor(|state, me| async move {
        crate::backend::services::surveys::create(&state.db, &me.organization_id, draft).await
    })
    .await
}

/// Creates a draft survey from an exported document (the builder's "Import"),
/// through the same service as `POST /api/surveys/import`.
#[server(prefix = "/rpc", endpoint = "import_survey")]
pub async fn import_survey(document: String, ids: String) -> Result<SurveyImport, AppError> {
    ctx::as_editor(|state, me| async move {
        use crate::domain::survey_document::{IdMode, SurveyDocument};
        let document: SurveyDocument = serde_json::from_str(&document)
            .map_err(|e| AppError::field("document", format!("is not a survey document exported from Vox: {e}")))?;
        let ids = IdMode::parse(&ids).ok_or_else(|| AppError::field("ids", "must be keep or remap"))?;
        crate::backend::services::surveys::import(&state.db, &me.organization_id, document, ids).await
    })
    .await
}

/// The built-in templates, titled in `language` (the builder's picker).
#[server(prefix = "/rpc", endpoint = "list_survey_templates")]
pub async fn list_survey_templates(language: String) -> Result<Vec<TemplateSummary>, AppError> {
    ctx::as_member(|_state, _me| async move { Ok(crate::backend::services::surveys::templates::list(&language)) }).await
}

/// A new draft survey from a template, through the same service as
/// `POST /api/surveys/from-template`.
#[server(prefix = "/rpc", endpoint = "create_survey_from_template")]
pub async fn create_survey_from_template(template: String, language: String) -> Result<Survey, AppError> {
    ctx::as_editor(|state, me| async move {
        let org = &me.organization_id;
        crate::backend::services::surveys::templates::create_from(&state.db, org, &template, &language, None).await
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "get_survey")]
pub async fn get_survey(id: String) -> Result<Survey, AppError> {
    ctx::as_member(|state, me| async move {
        crate::backend::services::surveys::get(&state.db, &me.organization_id, &id).await
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "set_survey_status", input = Json)]
pub async fn set_survey_status(id: String, status: SurveyStatus) -> Result<Survey, AppError> {
    ctx::as_editor(|state, me| async move {
        crate::backend::services::surveys::set_status(&state.db, &me.organization_id, &id, status).await
    })
    .await
}

/// Saves the builder's edits; `version` is the one the editor loaded, so an
/// edit made elsewhere meanwhile is never overwritten (412 instead).
#[server(prefix = "/rpc", endpoint = "update_survey", input = Json)]
pub async fn update_survey(id: String, version: i64, patch: SurveyPatch) -> Result<Survey, AppError> {
    ctx::as_editor(|state, me| async move {
        let db = &state.db;
        crate::backend::services::surveys::update(db, &me.organization_id, &id, patch, Some(version)).await
    })
    .await
}

/// The survey's published versions, newest first, with what changed in each.
#[server(prefix = "/rpc", endpoint = "list_survey_versions")]
pub async fn list_survey_versions(id: String, page: u32) -> Result<Paginated<SurveyVersionSummary>, AppError> {
    ctx::as_member(|state, me| async move {
        use crate::backend::services::surveys::{self, versions};
        use crate::domain::page::{PageRequest, DEFAULT_PER_PAGE};
        let survey = surveys::get(&state.db, &me.organization_id, &id).await?;
        versions::list(&state.db, &survey.id, PageRequest { page: page.max(1), per_page: DEFAULT_PER_PAGE }).await
    })
    .await
}

/// The question and choice ids the survey's published versions used, for the
/// builder never to give a new question or choice one of them.
#[server(prefix = "/rpc", endpoint = "survey_published_ids")]
pub async fn survey_published_ids(id: String) -> Result<PublishedIds, AppError> {
    ctx::as_member(|state, me| async move {
        use crate::backend::services::surveys::{self, versions};
        let survey = surveys::get(&state.db, &me.organization_id, &id).await?;
        versions::published_ids(&state.db, &survey.id).await
    })
    .await
}
