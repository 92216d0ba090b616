//! Organisation members from the dashboard (Settings → Members) and the join page.

use crate::domain::account::Role;
use crate::domain::members::{CreatedInvite, Members};
use crate::domain::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::ctx;

#[server(prefix = "/rpc", endpoint = "list_members")]
pub async fn list_members() -> Result<Members, AppError> {
    ctx::respond(
        async move {
            let state = ctx::state()?;
            let me = ctx::me().await?;
            crate::backend::services::members::list(&state.db, &me.organization_id).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "invite_member")]
pub async fn invite_member(email: String, role: Role) -> Result<CreatedInvite, AppError> {
    ctx::respond(
        async move {
            let state = ctx::state()?;
            let me = ctx::editor().await?;
            let base = state.config.public_url.as_str().to_string();
            crate::backend::services::members::invite(&state.db, &me, &email, role, &base).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "change_member_role")]
pub async fn change_member_role(user_id: String, role: Role) -> Result<(), AppError> {
    ctx::respond(
        async move {
            let state = ctx::state()?;
            let me = ctx::editor().await?;
            crate::backend::services::members::change_role(&state.db, &me, &user_id, role).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "remove_member")]
pub async fn remove_member(user_id: String) -> Result<(), AppError> {
    ctx::respond(
        async move {
            let state = ctx::state()?;
            let me = ctx::editor().await?;
            crate::backend::services::members::remove(&state.db, &me, &user_id).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "revoke_member_invite")]
pub async fn revoke_member_invite(id: String) -> Result<(), AppError> {
    ctx::respond(
        async move {
            let state = ctx::state()?;
            let me = ctx::editor().await?;
            crate::backend::services::members::revoke_invite(&state.db, &me, &id).await
        }
        .await,
    )
}

/// The organisation and email an invitation link is for.
#[server(prefix = "/rpc", endpoint = "describe_invite")]
pub async fn describe_invite(token: String) -> Result<(String, String, Role), AppError> {
    ctx::respond(
        async move { crate::backend::services::members::describe_invite(&ctx::state()?.db, &token).await }.await,
    )
}

#[server(prefix = "/rpc", endpoint = "accept_invite")]
pub async fn accept_invite(token: String, password: String) -> Result<(), AppError> {
    ctx::respond(
        async move {
            let state = ctx::state()?;
            let session = crate::backend::services::members::accept(&state.db, &token, password).await?;
            ctx::set_cookie(session.cookie(state.config.secure_cookies()));
            leptos_axum::redirect("/dashboard");
            Ok(())
        }
        .await,
    )
}
