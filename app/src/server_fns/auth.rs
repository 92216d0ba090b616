//! Sign-up, sign-in (with the second-factor step), sign-out, "who am I",
//! password reset and change, and two-factor sign-in, for the dashboard.

use crate::domain::account::{Me, RecoveryCodes, TwoFactorSetup, TwoFactorStatus};
use crate::domain::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::ctx;

/// Where to go after signing in: a path of this site only (never another
/// site, so a link cannot bounce someone elsewhere after they sign in).
pub fn safe_next(next: Option<&str>) -> String {
    match next.map(str::trim) {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && !path.chars().any(char::is_control) =>
        {
            path.to_string()
        }
        _ => "/dashboard".to_string(),
    }
}

#[server(prefix = "/rpc", endpoint = "signup")]
pub async fn signup(email: String, password: String, organization_name: String) -> Result<(), AppError> {
    ctx::respond(
        async move {
            let state = ctx::state()?;
            use crate::backend::services::organization::accounts;
            use crate::domain::account::SignupInput;
            let input = SignupInput { email, password, organization_name };
            let done = accounts::signup(&state, input, &ctx::client()).await?;
            ctx::set_signed_in_cookies(&state, &done);
            leptos_axum::redirect("/dashboard");
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    ctx::respond(
        async move {
            let state = ctx::state()?;
            use crate::backend::services::organization::accounts::{self, SignIn};
            use crate::domain::account::LoginInput;
            let next = safe_next(next.as_deref());
            match accounts::login(&state, LoginInput { email, password }, &ctx::client()).await? {
                SignIn::Done(done) => {
                    ctx::set_signed_in_cookies(&state, &done);
                    leptos_axum::redirect(&next);
                }
                SignIn::SecondFactor { ticket } => {
                    let query: String = url::form_urlencoded::Serializer::new(String::new())
                        .append_pair("ticket", &ticket)
                        .append_pair("next", &next)
                        .finish();
                    leptos_axum::redirect(&format!("/login/verify?{query}"));
                }
            }
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "login_second_factor")]
pub async fn login_second_factor(ticket: String, code: String, next: Option<String>) -> Result<(), AppError> {
    ctx::respond(
        async move {
            let state = ctx::state()?;
            use crate::backend::services::organization::accounts;
            use crate::domain::account::SecondFactorInput;
            let done =
                accounts::login_second_factor(&state, SecondFactorInput { ticket, code }, &ctx::client()).await?;
            ctx::set_signed_in_cookies(&state, &done);
            leptos_axum::redirect(&safe_next(next.as_deref()));
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
            use crate::backend::services::organization::accounts;
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
            match ctx::me_setting_up().await {
                Ok(me) => Ok(Some(me)),
                Err(AppError::Unauthorized) => Ok(None),
                Err(e) => Err(e),
            }
        }
        .await,
    )
}

/// "Forgot password": answers alike whether or not the address has an account.
#[server(prefix = "/rpc", endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    ctx::respond(
        async move { crate::backend::services::organization::passwords::request_reset(&ctx::state()?, &email).await }
            .await,
    )
}

#[server(prefix = "/rpc", endpoint = "reset_password")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    ctx::respond(
        async move {
            use crate::domain::account::PasswordResetInput;
            let state = ctx::state()?;
            crate::backend::services::organization::passwords::reset(
                &state,
                PasswordResetInput { token, password },
                &ctx::client(),
            )
            .await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "change_password")]
pub async fn change_password(current_password: String, new_password: String) -> Result<(), AppError> {
    ctx::respond(
        async move {
            use crate::domain::account::ChangePasswordInput;
            let state = ctx::state()?;
            let me = ctx::me_setting_up().await?;
            let session = ctx::session_token().ok_or(AppError::Unauthorized)?;
            let input = ChangePasswordInput { current_password, new_password };
            crate::backend::services::organization::passwords::change(&state, &me, &session, input, &ctx::client())
                .await
        }
        .await,
    )
}

/// Emails a new confirmation link to the signed-in person's own address.
#[server(prefix = "/rpc", endpoint = "send_email_confirmation")]
pub async fn send_email_confirmation() -> Result<(), AppError> {
    ctx::respond(
        async move {
            let state = ctx::state()?;
            let me = ctx::me_setting_up().await?;
            crate::backend::services::organization::email_confirmation::send(&state, &me.user_id, &me.email)
                .await
                .map(|_| ())
        }
        .await,
    )
}

/// The link of a confirmation email.
#[server(prefix = "/rpc", endpoint = "confirm_email")]
pub async fn confirm_email(token: String) -> Result<(), AppError> {
    ctx::respond(
        async move {
            let state = ctx::state()?;
            crate::backend::services::organization::email_confirmation::confirm(&state, &token, &ctx::client()).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "two_factor_status")]
pub async fn get_two_factor_status() -> Result<TwoFactorStatus, AppError> {
    ctx::respond(
        async move {
            let state = ctx::state()?;
            let me = ctx::me_setting_up().await?;
            crate::backend::services::organization::two_factor::status(&state.db, &me.user_id).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "begin_two_factor_setup")]
pub async fn begin_two_factor_setup() -> Result<TwoFactorSetup, AppError> {
    ctx::respond(
        async move {
            let state = ctx::state()?;
            let me = ctx::me_setting_up().await?;
            crate::backend::services::organization::two_factor::begin_setup(&state, &me).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "enable_two_factor")]
pub async fn enable_two_factor(code: String) -> Result<RecoveryCodes, AppError> {
    ctx::respond(
        async move {
            let state = ctx::state()?;
            let me = ctx::me_setting_up().await?;
            crate::backend::services::organization::two_factor::enable(&state, &me, &code, &ctx::client()).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "disable_two_factor")]
pub async fn disable_two_factor(password: String) -> Result<(), AppError> {
    ctx::respond(
        async move {
            let state = ctx::state()?;
            let me = ctx::me_setting_up().await?;
            crate::backend::services::organization::two_factor::disable(&state, &me, password, &ctx::client()).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "regenerate_recovery_codes")]
pub async fn regenerate_recovery_codes(password: String) -> Result<RecoveryCodes, AppError> {
    ctx::respond(
        async move {
            let state = ctx::state()?;
            let me = ctx::me_setting_up().await?;
            crate::backend::services::organization::two_factor::regenerate_recovery_codes(
                &state,
                &me,
                password,
                &ctx::client(),
            )
            .await
        }
        .await,
    )
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/dashboard/settings")), "/dashboard/settings");
        assert_eq!(safe_next(Some("/join/abc")), "/join/abc");
        for bad in ["https://evil.example", "//evil.example", "/\\evil.example", "", "dashboard", "/a\nb"] {
            assert_eq!(safe_next(Some(bad)), "/dashboard", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/dashboard");
    }
}
