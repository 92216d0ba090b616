//! Organisation settings for the dashboard, and what the embed snippet needs.

use crate::domain::metadata_keys::MetadataPolicy;
use crate::domain::AppError;
use leptos::prelude::*;
use server_fn::codec::Json;

#[cfg(feature = "ssr")]
use super::ctx;

#[server(prefix = "/rpc", endpoint = "get_metadata_policy")]
pub async fn get_metadata_policy() -> Result<MetadataPolicy, AppError> {
    ctx::respond(
        async move {
            let me = ctx::me().await?;
            crate::backend::services::metadata_keys::policy(&ctx::state()?.db, &me.organization_id).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "save_metadata_policy", input = Json)]
pub async fn save_metadata_policy(policy: MetadataPolicy) -> Result<MetadataPolicy, AppError> {
    ctx::respond(
        async move {
            let me = ctx::editor().await?;
            crate::backend::services::metadata_keys::save_policy(&ctx::state()?.db, &me.organization_id, &policy).await
        }
        .await,
    )
}

/// The address customers' sites load `/embed.js` from (`VOX_PUBLIC_URL`).
#[server(prefix = "/rpc", endpoint = "public_url")]
pub async fn public_url() -> Result<String, AppError> {
    ctx::respond(
        async move {
            ctx::me().await?;
            Ok(ctx::state()?.config.public_url.as_str().trim_end_matches('/').to_string())
        }
        .await,
    )
}

/// What the settings page shows about data and email.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OrganizationSettings {
    /// Days responses are kept; `None` keeps them for ever.
    pub retention_days: Option<i64>,
    /// Whether invitations go out over SMTP (`VOX_SMTP_URL`) or only to the outbox.
    pub smtp_configured: bool,
    pub smtp_from: String,
}

#[server(prefix = "/rpc", endpoint = "get_organization_settings")]
pub async fn get_organization_settings() -> Result<OrganizationSettings, AppError> {
    ctx::respond(
        async move {
            let me = ctx::me().await?;
            let state = ctx::state()?;
            Ok(OrganizationSettings {
                retention_days: crate::backend::services::retention::get(&state.db, &me.organization_id).await?,
                smtp_configured: state.config.smtp_url.is_some(),
                smtp_from: state.config.smtp_from.clone(),
            })
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "save_retention", input = Json)]
pub async fn save_retention(days: Option<i64>) -> Result<Option<i64>, AppError> {
    ctx::respond(
        async move {
            let me = ctx::editor().await?;
            crate::backend::services::retention::set(&ctx::state()?.db, &me.organization_id, days).await
        }
        .await,
    )
}
