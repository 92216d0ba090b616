//! Organisation members from the dashboard (Settings → Members) and the join page.

use crate::domain::account::Role;
use crate::domain::members::{InviteSent, InviteView, Members};
use crate::domain::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::ctx;

#[server(prefix = "/rpc", endpoint = "list_members")]
pub async fn list_members() -> Result<Members, AppError> {
    ctx::as_member(|state, me| async move {
        crate::backend::services::organization::members::list(&state.db, &me.organization_id).await
    })
    .await
}

/// Emails the invitation; the inviter never sees its link.
#[server(prefix = "/rpc", endpoint = "invite_member")]
pub async fn invite_member(email: String, role: Role) -> Result<InviteSent, AppError> {
    ctx::as_editor(|state, me| async move {
        crate::backend::services::organization::members::invite(&state, &me, &ctx::actor(&me), &email, role).await
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "change_member_role")]
pub async fn change_member_role(user_id: String, role: Role) -> Result<(), AppError> {
    ctx::as_editor(|state, me| async move {
        crate::backend::services::organization::members::change_role(&state, &me, &ctx::actor(&me), &user_id, role)
            .await
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "remove_member")]
pub async fn remove_member(user_id: String) -> Result<(), AppError> {
    ctx::as_editor(|state, me| async move {
        crate::backend::services::organization::members::remove(&state, &me, &ctx::actor(&me), &user_id).await
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "revoke_member_invite")]
pub async fn revoke_member_invite(id: String) -> Result<(), AppError> {
    ctx::as_editor(|state, me| async move {
        crate::backend::services::organization::members::revoke_invite(&state.db, &me, &ctx::actor(&me), &id).await
    })
    .await
}

/// The organisation, address and role an invitation link is for, and who is
/// signed in here.
#[server(prefix = "/rpc", endpoint = "describe_invite")]
pub async fn describe_invite(token: String) -> Result<InviteView, AppError> {
    ctx::respond(
        async move {
            let state = ctx::state()?;
            let viewer = ctx::me_setting_up().await.ok();
            crate::backend::services::organization::members::describe_invite(&state.db, &token, viewer.as_ref()).await
        }
        .await,
    )
}

/// Joins with a new account for the invited address (the link proves it).
#[server(prefix = "/rpc", endpoint = "accept_invite_new_account")]
pub async fn accept_invite_new_account(token: String, password: String) -> Result<(), AppError> {
    ctx::respond(
        async move {
            let state = ctx::state()?;
            let done = crate::backend::services::organization::members::accept_with_new_account(
                &state,
                &token,
                password,
                &ctx::client(),
            )
            .await?;
            ctx::set_signed_in_cookies(&state, &done);
            leptos_axum::redirect("/dashboard");
            Ok(())
        }
        .await,
    )
}

/// Joins as the signed-in person, whose account must be the invited address.
#[server(prefix = "/rpc", endpoint = "accept_invite")]
pub async fn accept_invite(token: String) -> Result<(), AppError> {
    ctx::respond(
        async move {
            let state = ctx::state()?;
            let me = ctx::me_setting_up().await?;
            let current = ctx::session_token().ok_or(AppError::Unauthorized)?;
            let session = crate::backend::services::organization::members::accept_signed_in(
                &state,
                &token,
                &me,
                &current,
                &ctx::client(),
            )
            .await?;
            ctx::set_cookie(session.cookie(state.config.secure_cookies()));
            leptos_axum::redirect("/dashboard");
            Ok(())
        }
        .await,
    )
}
