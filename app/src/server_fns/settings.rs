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
