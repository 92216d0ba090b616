//! The contacts, distribution and outbox pages' back end.

use crate::domain::contact::{Contact, ContactInput};
use crate::domain::distribution::{Distribution, OutboxMessage, QuickDistributionInput};
use crate::domain::page::Paginated;
use crate::domain::AppError;
use leptos::prelude::*;
use server_fn::codec::Json;

#[cfg(feature = "ssr")]
use super::ctx;

#[server(prefix = "/rpc", endpoint = "list_contacts")]
pub async fn list_contacts(search: String, page: u32) -> Result<Paginated<Contact>, AppError> {
    ctx::respond(
        async move {
            let state = ctx::state()?;
            use crate::domain::page::{PageRequest, DEFAULT_PER_PAGE};
            let me = ctx::me().await?;
            let page = PageRequest { page: page.max(1), per_page: DEFAULT_PER_PAGE };
            let search = Some(search.trim()).filter(|s| !s.is_empty());
            crate::backend::services::outreach::contacts::list(&state.db, &me.organization_id, search, page).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "save_contact", input = Json)]
pub async fn save_contact(input: ContactInput) -> Result<Contact, AppError> {
    ctx::as_editor(|state, me| async move {
        let mut saved =
            crate::backend::services::outreach::contacts::upsert_many(&state.db, &me.organization_id, &[input], true)
                .await?;
        saved.data.pop().ok_or(AppError::Internal)
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "set_contact_opted_out")]
pub async fn set_contact_opted_out(id: String, opted_out: bool) -> Result<Contact, AppError> {
    ctx::as_editor(|state, me| async move {
        crate::backend::services::outreach::contacts::set_opted_out(&state.db, &me.organization_id, &id, opted_out)
            .await
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "send_survey", input = Json)]
pub async fn send_survey(survey_id: String, input: QuickDistributionInput) -> Result<Distribution, AppError> {
    ctx::as_editor(|state, me| async move {
        crate::backend::services::outreach::distributions::quick(&state, &me.organization_id, &survey_id, input).await
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "list_outbox")]
pub async fn list_outbox(page: u32) -> Result<Paginated<OutboxMessage>, AppError> {
    ctx::respond(
        async move {
            let state = ctx::state()?;
            use crate::domain::page::{PageRequest, DEFAULT_PER_PAGE};
            let me = ctx::me().await?;
            let page = PageRequest { page: page.max(1), per_page: DEFAULT_PER_PAGE };
            crate::backend::services::outreach::outbox::list(&state.db, &me.organization_id, page).await
        }
        .await,
    )
}

/// The survey's latest 100 invitations with each contact's email and progress.
#[server(prefix = "/rpc", endpoint = "survey_invitations")]
pub async fn survey_invitations(
    survey_id: String,
) -> Result<Vec<(crate::domain::distribution::Invitation, Option<String>)>, AppError> {
    ctx::as_member(|state, me| async move {
        crate::backend::services::outreach::invitations::list_with_emails(
            &state.db,
            &me.organization_id,
            &survey_id,
            100,
        )
        .await
    })
    .await
}
