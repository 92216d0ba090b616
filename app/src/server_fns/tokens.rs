//! API tokens from the dashboard (Profile → Authentication Tokens).

use crate::domain::page::Paginated;
use crate::domain::token::{ApiToken, CreateTokenInput, CreatedToken};
use crate::domain::AppError;
use leptos::prelude::*;
use server_fn::codec::Json;

#[cfg(feature = "ssr")]
use super::ctx;

#[server(prefix = "/rpc", endpoint = "list_tokens")]
pub async fn list_tokens() -> Result<Paginated<ApiToken>, AppError> {
    ctx::respond(
        async move {
            let state = ctx::state()?;
            use crate::domain::page::{PageRequest, MAX_PER_PAGE};
            let me = ctx::me().await?;
            let page = PageRequest { page: 1, per_page: MAX_PER_PAGE };
            crate::backend::services::organization::tokens::list(&state, &viewer(&me), page).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "create_token", input = Json)]
pub async fn create_token(input: CreateTokenInput) -> Result<CreatedToken, AppError> {
    ctx::as_editor(|state, me| async move {
        let actor = ctx::actor(&me);
        crate::backend::services::organization::tokens::create(&state, &me.organization_id, &me.user_id, &actor, input)
            .await
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "revoke_token")]
pub async fn revoke_token(id: String) -> Result<(), AppError> {
    ctx::as_editor(|state, me| async move {
        crate::backend::services::organization::tokens::revoke(&state, &viewer(&me), &ctx::actor(&me), &id).await
    })
    .await
}

/// Owners see every token of the organisation; everyone else their own.
#[cfg(feature = "ssr")]
fn viewer(me: &crate::domain::account::Me) -> crate::backend::services::organization::tokens::Viewer<'_> {
    crate::backend::services::organization::tokens::Viewer {
        organization_id: &me.organization_id,
        user_id: &me.user_id,
        role: me.role,
    }
}
