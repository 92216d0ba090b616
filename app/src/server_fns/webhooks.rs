//! The webhooks pages' back end: the same services as the REST API, for a
//! dashboard session, over both families at once.

use crate::domain::page::Paginated;
use crate::domain::webhook::{CreatedWebhook, Delivery, NewWebhook, WebhookView};
use crate::domain::AppError;
use leptos::prelude::*;
use server_fn::codec::Json;

#[cfg(feature = "ssr")]
use super::ctx;
#[cfg(feature = "ssr")]
use crate::backend::services::webhooks::deliveries;
#[cfg(feature = "ssr")]
use crate::backend::services::webhooks::{self, Family};

#[server(prefix = "/rpc", endpoint = "list_webhooks")]
pub async fn list_webhooks() -> Result<Vec<WebhookView>, AppError> {
    ctx::as_member(|state, me| async move {
        Ok(webhooks::list(&state.db, &me.organization_id, Family::Any).await?.into_iter().map(Into::into).collect())
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "get_webhook")]
pub async fn get_webhook(id: String) -> Result<WebhookView, AppError> {
    ctx::as_member(|state, me| async move {
        Ok(webhooks::get(&state.db, &me.organization_id, Family::Any, &id).await?.into())
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "create_webhook", input = Json)]
pub async fn create_webhook(input: NewWebhook) -> Result<CreatedWebhook, AppError> {
    ctx::as_editor(|state, me| async move {
        webhooks::create_from_dashboard(&state, &me.organization_id, &ctx::actor(&me), input).await
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "set_webhook_enabled")]
pub async fn set_webhook_enabled(id: String, enabled: bool) -> Result<WebhookView, AppError> {
    ctx::respond(
        async move {
            let state = ctx::state()?;
            use crate::domain::webhook::WebhookPatch;
            let me = ctx::editor().await?;
            let patch = WebhookPatch { enabled: Some(enabled), ..Default::default() };
            Ok(webhooks::update(&state, &me.organization_id, &ctx::actor(&me), Family::Any, &id, patch).await?.into())
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "delete_webhook")]
pub async fn delete_webhook(id: String) -> Result<(), AppError> {
    ctx::as_editor(|state, me| async move {
        webhooks::delete(&state, &me.organization_id, &ctx::actor(&me), Family::Any, &id).await?;
        leptos_axum::redirect("/dashboard/webhooks");
        Ok(())
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "rotate_webhook_secret")]
pub async fn rotate_webhook_secret(id: String) -> Result<String, AppError> {
    ctx::as_editor(|state, me| async move {
        Ok(webhooks::rotate_secret(&state, &me.organization_id, &ctx::actor(&me), Family::Any, &id).await?.1)
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "send_test_webhook")]
pub async fn send_test_webhook(id: String) -> Result<Delivery, AppError> {
    ctx::as_editor(
        |state, me| async move { webhooks::send_test(&state, &me.organization_id, Family::Any, &id, None).await },
    )
    .await
}

#[server(prefix = "/rpc", endpoint = "webhook_deliveries")]
pub async fn webhook_deliveries(id: String, status: String, page: u32) -> Result<Paginated<Delivery>, AppError> {
    ctx::respond(
        async move {
            let state = ctx::state()?;
            use crate::backend::services::webhooks::deliveries::DeliveryFilter;
            use crate::domain::page::PageRequest;
            use crate::domain::webhook::DeliveryStatus;
            let me = ctx::me().await?;
            let filter = DeliveryFilter { status: DeliveryStatus::parse(&status), ..Default::default() };
            let page = PageRequest { page: page.max(1), per_page: 50 };
            deliveries::list_deliveries(&state.db, &me.organization_id, Family::Any, &id, &filter, page).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "webhook_delivery")]
pub async fn webhook_delivery(id: String, delivery_id: String) -> Result<Delivery, AppError> {
    ctx::as_member(|state, me| async move {
        deliveries::get_delivery(&state.db, &me.organization_id, Family::Any, &id, &delivery_id).await
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "retry_webhook_delivery")]
pub async fn retry_webhook_delivery(id: String, delivery_id: String) -> Result<Delivery, AppError> {
    ctx::as_editor(|state, me| async move {
        deliveries::retry_delivery(&state, &me.organization_id, Family::Any, &id, &delivery_id).await
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "update_webhook", input = Json)]
pub async fn update_webhook(id: String, url: String, events: Vec<String>) -> Result<WebhookView, AppError> {
    ctx::respond(
        async move {
            let state = ctx::state()?;
            use crate::domain::webhook::WebhookPatch;
            let me = ctx::editor().await?;
            let patch = WebhookPatch { url: Some(url), events: Some(events), ..Default::default() };
            Ok(webhooks::update(&state, &me.organization_id, &ctx::actor(&me), Family::Any, &id, patch).await?.into())
        }
        .await,
    )
}
