//! Tags and notes from the dashboard: the same services as `/api/tags` and
//! `/api/responses/{id}/notes`.

use crate::domain::tag::{BulkTagResult, ResponseNote, Tag};
use crate::domain::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::ctx;

/// The organisation's tags (all of them: at most `MAX_TAGS`).
#[server(prefix = "/rpc", endpoint = "list_tags")]
pub async fn list_tags() -> Result<Vec<Tag>, AppError> {
    ctx::as_member(|state, me| async move {
        use crate::domain::page::{PageRequest, MAX_PER_PAGE};
        let page = PageRequest { page: 1, per_page: MAX_PER_PAGE };
        Ok(crate::backend::services::responses::tags::list(&state.db, &me.organization_id, page).await?.data)
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "create_tag")]
pub async fn create_tag(name: String, color: String) -> Result<Tag, AppError> {
    ctx::as_editor(|state, me| async move {
        let input = crate::domain::tag::TagInput { name, color: Some(color).filter(|c| !c.is_empty()) };
        crate::backend::services::responses::tags::create(&state.db, &me.organization_id, &input).await
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "update_tag")]
pub async fn update_tag(id: String, name: String, color: String) -> Result<Tag, AppError> {
    ctx::as_editor(|state, me| async move {
        let patch = crate::domain::tag::TagPatch { name: Some(name), color: Some(color) };
        crate::backend::services::responses::tags::update(&state.db, &me.organization_id, &id, &patch).await
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "delete_tag")]
pub async fn delete_tag(id: String) -> Result<(), AppError> {
    ctx::as_editor(|state, me| async move {
        crate::backend::services::responses::tags::delete(&state.db, &me.organization_id, &id).await
    })
    .await
}

/// The tags on one response.
#[server(prefix = "/rpc", endpoint = "response_tags")]
pub async fn response_tags(response_id: String) -> Result<Vec<Tag>, AppError> {
    ctx::as_member(|state, me| async move {
        crate::backend::services::responses::tags::of_response(&state.db, &me.organization_id, &response_id).await
    })
    .await
}

/// Puts a tag on a response (`on`) or takes it off.
#[server(prefix = "/rpc", endpoint = "set_response_tag")]
pub async fn set_response_tag(response_id: String, tag_id: String, on: bool) -> Result<(), AppError> {
    ctx::as_editor(|state, me| async move {
        use crate::backend::services::responses::tags;
        let org = &me.organization_id;
        if on {
            tags::attach(&state.db, org, &response_id, &tag_id).await?;
        } else {
            tags::detach(&state.db, org, &response_id, &tag_id).await?;
        }
        Ok(())
    })
    .await
}

/// Adds (or, with `remove`, takes off) one tag on every response the
/// page's filter (`query`, as in the address bar) matches.
#[server(prefix = "/rpc", endpoint = "bulk_tag")]
pub async fn bulk_tag(
    survey_id: String,
    query: String,
    tag_id: String,
    remove: bool,
) -> Result<BulkTagResult, AppError> {
    ctx::as_editor(|state, me| async move {
        use crate::backend::services::responses::{tags, ResponseFilter};
        if tag_id.is_empty() {
            return Err(AppError::field("tag_id", "choose a tag"));
        }
        let filter = ResponseFilter::from_query(&query)?;
        let (add, take_off) = if remove { (vec![], vec![tag_id]) } else { (vec![tag_id], vec![]) };
        let request = crate::domain::tag::BulkTagging { add, remove: take_off, response_ids: None };
        tags::bulk(&state.db, &me.organization_id, &survey_id, &filter, &request).await
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "list_notes")]
pub async fn list_notes(response_id: String) -> Result<Vec<ResponseNote>, AppError> {
    ctx::as_member(|state, me| async move {
        crate::backend::services::responses::notes::list(&state.db, &me.organization_id, &response_id).await
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "add_note")]
pub async fn add_note(response_id: String, body: String) -> Result<ResponseNote, AppError> {
    ctx::as_editor(|state, me| async move {
        let input = crate::domain::tag::NoteInput { body };
        crate::backend::services::responses::notes::create(
            &state,
            &me.organization_id,
            &me.user_id,
            &response_id,
            &input,
        )
        .await
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "edit_note")]
pub async fn edit_note(response_id: String, note_id: String, body: String) -> Result<ResponseNote, AppError> {
    ctx::as_editor(|state, me| async move {
        let input = crate::domain::tag::NoteInput { body };
        crate::backend::services::responses::notes::update(
            &state.db,
            &me.organization_id,
            &me.user_id,
            &response_id,
            &note_id,
            &input,
        )
        .await
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "delete_note")]
pub async fn delete_note(response_id: String, note_id: String) -> Result<(), AppError> {
    ctx::as_editor(|state, me| async move {
        crate::backend::services::responses::notes::delete(
            &state.db,
            &me.organization_id,
            &me.user_id,
            me.role,
            &response_id,
            &note_id,
        )
        .await
    })
    .await
}
