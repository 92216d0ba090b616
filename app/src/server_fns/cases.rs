//! Cases from the dashboard: the same services as `/api/cases`.

use crate::domain::case::{Case, CasePriority, CaseStats, CaseStatus, CaseWithHistory};
use crate::domain::page::Paginated;
use crate::domain::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::ctx;

/// The inbox: `query` is the page's query string (`view=mine&sort=dueAt`),
/// read by the parser the API uses.
#[server(prefix = "/rpc", endpoint = "list_cases")]
pub async fn list_cases(
    view: String,
    status: String,
    assignee: String,
    survey_id: String,
    priority: String,
    sort: String,
    page: u32,
) -> Result<Paginated<Case>, AppError> {
    ctx::as_member(|state, me| async move {
        use crate::domain::case_query::CaseQueryText;
        use crate::domain::page::PageRequest;
        let some = |s: String| Some(s).filter(|s| !s.is_empty());
        let query = CaseQueryText {
            view: some(view),
            status: some(status),
            assignee: some(assignee),
            survey_id: some(survey_id),
            response_id: None,
            priority: some(priority),
            sort: some(sort),
        }
        .parse()?;
        let page = PageRequest { page: page.max(1), per_page: 25 };
        crate::backend::services::cases::list(&state.db, &me.organization_id, &me.user_id, &query, page).await
    })
    .await
}

/// The inbox's counts, or one survey's (its overview).
#[server(prefix = "/rpc", endpoint = "case_stats")]
pub async fn get_case_stats(survey_id: Option<String>) -> Result<CaseStats, AppError> {
    ctx::as_member(|state, me| async move {
        let survey = survey_id.as_deref().filter(|s| !s.is_empty());
        crate::backend::services::cases::stats(&state.db, &me.organization_id, &me.user_id, survey).await
    })
    .await
}

/// The case on a response, with its history, if it has one.
#[server(prefix = "/rpc", endpoint = "response_case")]
pub async fn response_case(response_id: String) -> Result<Option<CaseWithHistory>, AppError> {
    ctx::as_member(|state, me| async move {
        use crate::backend::services::cases;
        match cases::of_response(&state.db, &me.organization_id, &response_id).await? {
            Some(case) => Ok(Some(cases::get_with_history(&state.db, &me.organization_id, &case.id).await?)),
            None => Ok(None),
        }
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "open_case")]
pub async fn open_case(
    response_id: String,
    title: String,
    assignee_id: String,
    due_at: String,
    priority: CasePriority,
) -> Result<Case, AppError> {
    ctx::as_editor(|state, me| async move {
        use crate::backend::services::cases::{self, Opener};
        let input = crate::domain::case::CaseInput {
            response_id,
            title: Some(title).filter(|t| !t.trim().is_empty()),
            assignee_id: Some(assignee_id).filter(|a| !a.is_empty()),
            due_at: crate::domain::case::parse_due_field(&due_at)?,
            priority: Some(priority),
        };
        cases::create(&state, &me.organization_id, Opener::Member(&me.user_id), &input).await
    })
    .await
}

/// One change from the case panel: its fields as the form holds them.
#[server(prefix = "/rpc", endpoint = "update_case")]
pub async fn update_case(
    id: String,
    status: CaseStatus,
    assignee_id: String,
    due_at: String,
    priority: CasePriority,
    resolution: String,
    updated_at: String,
) -> Result<Case, AppError> {
    ctx::as_editor(|state, me| async move {
        use crate::backend::services::cases;
        use crate::domain::case::{due_field_value, parse_due_field, CasePatch};
        // Only what the form changed: a due time shown to the minute, or
        // already past, stays as it is unless edited.
        let current = cases::get(&state.db, &me.organization_id, &id).await?;
        let assignee = Some(assignee_id).filter(|a| !a.is_empty());
        let resolution = Some(resolution.trim().to_string()).filter(|r| !r.is_empty());
        let patch = CasePatch {
            title: None,
            status: Some(status),
            priority: Some(priority),
            assignee_id: (assignee.as_ref() != current.assignee.as_ref().map(|a| &a.id)).then_some(assignee),
            due_at: match due_field_value(current.due_at) == due_at.trim() {
                true => None,
                false => Some(parse_due_field(&due_at)?),
            },
            resolution: (resolution != current.resolution).then_some(resolution),
        };
        // The form's case as it was read: a change made meanwhile is not overwritten.
        let expected = chrono::DateTime::parse_from_rfc3339(&updated_at)
            .map_err(|_| AppError::field("updatedAt", "the time the case was read, as RFC 3339"))?
            .timestamp_millis();
        cases::update(&state, &me.organization_id, &me.user_id, &id, &patch, Some(expected)).await
    })
    .await
}
