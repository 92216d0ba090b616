//! The Events Router page's back end: channels, event types, invite settings
//! and recent events, through the same services as the REST API.

use crate::domain::event::EventRecord;
use crate::domain::page::{PageRequest, Paginated, MAX_PER_PAGE};

/// The dashboard shows up to this many channels, event types or settings (the
/// REST API pages through any number).
#[cfg_attr(not(feature = "ssr"), allow(dead_code))]
const DASHBOARD_PAGE: PageRequest = PageRequest { page: 1, per_page: MAX_PER_PAGE };
use crate::domain::events_router::{
    Channel, ChannelInput, EventType, EventTypeInput, EventTypePatch, InviteSetting, InviteSettingPatch,
};
use crate::domain::AppError;
use leptos::prelude::*;
use server_fn::codec::Json;

#[cfg(feature = "ssr")]
use super::ctx;

#[server(prefix = "/rpc", endpoint = "list_channels")]
pub async fn list_channels() -> Result<Vec<Channel>, AppError> {
    ctx::as_member(|state, me| async move {
        let page = crate::backend::services::events_router::channels::list_channels(
            &state.db,
            &me.organization_id,
            DASHBOARD_PAGE,
        )
        .await?;
        Ok(page.data)
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "create_channel", input = Json)]
pub async fn create_channel(input: ChannelInput) -> Result<Channel, AppError> {
    ctx::as_editor(|state, me| async move {
        crate::backend::services::events_router::channels::create_channel(&state.db, &me.organization_id, input).await
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "list_event_types")]
pub async fn list_event_types() -> Result<Vec<EventType>, AppError> {
    ctx::as_member(|state, me| async move {
        let page = crate::backend::services::events_router::channels::list_event_types(
            &state.db,
            &me.organization_id,
            DASHBOARD_PAGE,
        )
        .await?;
        Ok(page.data)
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "create_event_type", input = Json)]
pub async fn create_event_type(input: EventTypeInput) -> Result<EventType, AppError> {
    ctx::as_editor(|state, me| async move {
        crate::backend::services::events_router::channels::create_event_type(&state.db, &me.organization_id, input)
            .await
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "update_event_type", input = Json)]
pub async fn update_event_type(id: String, patch: EventTypePatch) -> Result<EventType, AppError> {
    ctx::as_editor(|state, me| async move {
        crate::backend::services::events_router::channels::update_event_type(&state.db, &me.organization_id, &id, patch)
            .await
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "list_invite_settings")]
pub async fn list_invite_settings(channel_id: String) -> Result<Vec<InviteSetting>, AppError> {
    ctx::as_member(|state, me| async move {
        let page = crate::backend::services::events_router::invite_settings::list_for_channel(
            &state.db,
            &me.organization_id,
            &channel_id,
            DASHBOARD_PAGE,
        )
        .await?;
        Ok(page.data)
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "update_invite_setting", input = Json)]
pub async fn update_invite_setting(
    channel_id: String,
    id: String,
    patch: InviteSettingPatch,
) -> Result<InviteSetting, AppError> {
    ctx::as_editor(|state, me| async move {
        crate::backend::services::events_router::invite_settings::update(
            &state.db,
            &me.organization_id,
            &channel_id,
            &id,
            patch,
        )
        .await
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "list_events")]
pub async fn list_events(page: u32) -> Result<Paginated<EventRecord>, AppError> {
    ctx::respond(
        async move {
            let state = ctx::state()?;
            use crate::domain::page::{PageRequest, DEFAULT_PER_PAGE};
            let me = ctx::me().await?;
            let page = PageRequest { page: page.max(1), per_page: DEFAULT_PER_PAGE };
            let filter = crate::backend::services::events_router::events::EventFilter::default();
            crate::backend::services::events_router::events::list(&state.db, &me.organization_id, &filter, page).await
        }
        .await,
    )
}
