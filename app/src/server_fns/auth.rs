//! Sign-up, sign-in, sign-out and "who am I" for the dashboard.

use crate::domain::account::Me;
use crate::domain::AppError;
use leptos::prelude::*;

#[server(prefix = "/rpc", endpoint = "signup")]
pub async fn signup(email: String, password: String, organization_name: String) -> Result<(), AppError> {
    ctx::respond(
        async move {
            let state = ctx::state()?;
            use crate::backend::services::accounts;
            use crate::domain::account::SignupInput;
            let (_, token) = accounts::signup(&state.db, SignupInput { email, password, organization_name }).await?;
            ctx::set_cookie(token.cookie(state.config.secure_cookies()));
            leptos_axum::redirect("/dashboard");
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "login")]
pub async fn login(email: String, password: String) -> Result<(), AppError> {
    ctx::respond(
        async move {
            let state = ctx::state()?;
            use crate::backend::services::accounts;
            use crate::domain::account::LoginInput;
            let (_, token) = accounts::login(&state.db, LoginInput { email, password }).await?;
            ctx::set_cookie(token.cookie(state.config.secure_cookies()));
            leptos_axum::redirect("/dashboard");
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    ctx::respond(
        async move {
            let state = ctx::state()?;
            use crate::backend::auth::session::clearing_cookie;
            use crate::backend::services::accounts;
            if let Some(token) = ctx::session_token() {
                accounts::logout(&state.db, &token).await?;
            }
            ctx::set_cookie(clearing_cookie(state.config.secure_cookies()));
            leptos_axum::redirect("/login");
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "whoami")]
pub async fn whoami() -> Result<Option<Me>, AppError> {
    ctx::respond(
        async move {
            match ctx::me().await {
                Ok(me) => Ok(Some(me)),
                Err(AppError::Unauthorized) => Ok(None),
                Err(e) => Err(e),
            }
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
use super::ctx;
