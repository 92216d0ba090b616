//! Thin server functions for the UI: authenticate, call `backend::services`,
//! return domain types. They live under `/rpc/…` so they never collide with
//! the REST API under `/api`.

pub mod analytics;
pub mod auth;
pub mod cases;
pub mod contacts;
pub mod events_router;
pub mod members;
pub mod responses;
pub mod settings;
pub mod surveys;
pub mod tags;
pub mod tokens;
pub mod webhooks;

use crate::domain::AppError;

/// How a server function's own failures (a body or arguments that cannot be
/// read) become the one error every door uses.
impl server_fn::error::FromServerFnError for AppError {
    type Encoder = server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: server_fn::error::ServerFnErrorErr) -> Self {
        // On the server these are requests whose body or arguments cannot be
        // read: the caller's mistake (400), not ours. In the browser they stay
        // transport errors (a response that could not be read).
        #[cfg(feature = "ssr")]
        {
            use server_fn::error::ServerFnErrorErr as E;
            // A body cut off at the size limit (a streamed one; a declared
            // length over it never reaches the function): 413, not 400.
            if value.to_string().contains("length limit exceeded") {
                ctx::set_status(413);
                return AppError::PayloadTooLarge;
            }
            if let E::Deserialization(why) | E::Args(why) | E::MissingArg(why) | E::UnsupportedRequestMethod(why) =
                &value
            {
                let error = AppError::BadRequest {
                    code: "invalid_arguments".into(),
                    message: format!("the request's arguments could not be read: {why}"),
                };
                ctx::set_status(error.status());
                return error;
            }
        }
        AppError::Transport { message: value.to_string() }
    }
}

#[cfg(feature = "ssr")]
pub(crate) mod ctx {
    //! Access to the request and the shared state from inside a server function.
    use crate::backend::auth::session::{self, token_from_cookie_header, SessionToken};
    use crate::backend::AppState;
    use crate::domain::account::Me;
    use crate::domain::AppError;
    use leptos::prelude::*;

    /// The shared state. Every server function takes it first, before any
    /// `.await`: a resource created inside a `Suspend` can be polled later
    /// under an owner whose context is already gone (seen in SSR), and then
    /// only what was taken at the start is still there.
    #[track_caller]
    pub fn state() -> Result<AppState, AppError> {
        let caller = std::panic::Location::caller();
        use_context::<AppState>().ok_or_else(|| {
            let request = use_context::<http::request::Parts>().map(|p| format!("{} {}", p.method, p.uri));
            tracing::error!(
                request = request.as_deref().unwrap_or("none"),
                %caller,
                owner = Owner::current().is_some(),
                "AppState missing from the server function context"
            );
            AppError::Internal
        })
    }

    pub fn session_token() -> Option<SessionToken> {
        let parts = use_context::<http::request::Parts>()?;
        let header = parts.headers.get(http::header::COOKIE)?.to_str().ok()?;
        token_from_cookie_header(header)
    }

    /// The signed-in user, or `Unauthorized`. A member whose organisation
    /// requires two-factor sign-in they have not set up yet gets
    /// `TwoFactorSetupRequired` instead, except from `me_setting_up`.
    pub async fn me() -> Result<Me, AppError> {
        let me = me_setting_up().await?;
        if me.must_set_up_two_factor {
            return Err(AppError::TwoFactorSetupRequired);
        }
        Ok(me)
    }

    /// The signed-in user, even before the two-factor set-up their
    /// organisation requires (for the profile page that does it).
    pub async fn me_setting_up() -> Result<Me, AppError> {
        let token = session_token().ok_or(AppError::Unauthorized)?;
        session::resolve(&state()?.db, &token).await?.ok_or(AppError::Unauthorized)
    }

    /// Where the request came from (address and device cookie).
    pub fn client() -> crate::backend::auth::ClientInfo {
        let trust_proxy = use_context::<AppState>().is_some_and(|s| s.config.trust_proxy);
        let Some(parts) = use_context::<http::request::Parts>() else { return Default::default() };
        let peer = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
        let forwarded = parts.headers.get("x-forwarded-for").and_then(|v| v.to_str().ok());
        let cookies = parts.headers.get(http::header::COOKIE).and_then(|v| v.to_str().ok());
        crate::backend::auth::ClientInfo::from_request(peer, forwarded, cookies, trust_proxy)
    }

    /// Who acts, for the audit log: `me` in the dashboard, from this address.
    pub fn actor(me: &Me) -> crate::backend::services::organization::audit::Actor {
        crate::backend::services::organization::audit::Actor::member(&me.user_id, &client().address)
    }

    /// The signed-in user, who must be allowed to change things.
    pub async fn editor() -> Result<Me, AppError> {
        let me = me().await?;
        if !me.role.can_edit() {
            return Err(AppError::Forbidden { message: "your role (viewer) cannot change anything".into() });
        }
        Ok(me)
    }

    /// The shell of a server function for any signed-in member: the state
    /// (taken first, see [`state`]), the caller, then `call`; a failure gets
    /// its HTTP status ([`respond`]).
    pub async fn as_member<T, F, Fut>(call: F) -> Result<T, AppError>
    where
        F: FnOnce(AppState, Me) -> Fut,
        Fut: std::future::Future<Output = Result<T, AppError>>,
    {
        respond(
            async {
                let state = state()?;
                call(state, me().await?).await
            }
            .await,
        )
    }

    /// [`as_member`] for a member whose role may change things ([`editor`]).
    pub async fn as_editor<T, F, Fut>(call: F) -> Result<T, AppError>
    where
        F: FnOnce(AppState, Me) -> Fut,
        Fut: std::future::Future<Output = Result<T, AppError>>,
    {
        respond(
            async {
                let state = state()?;
                call(state, editor().await?).await
            }
            .await,
        )
    }

    /// Gives a failed server function the HTTP status its error stands for
    /// (server_fn would answer 500 for every error).
    pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
        if let Err(e) = &result {
            set_status(e.status());
        }
        result
    }

    /// Starts the session of a finished sign-in in this browser.
    pub fn set_signed_in_cookies(state: &AppState, done: &crate::backend::services::organization::accounts::SignedIn) {
        set_cookie(done.session.cookie(state.config.secure_cookies()));
        set_cookie(done.device_cookie.clone());
    }

    pub fn set_cookie(value: String) {
        if let (Some(options), Ok(value)) =
            (use_context::<leptos_axum::ResponseOptions>(), http::HeaderValue::from_str(&value))
        {
            options.append_header(http::header::SET_COOKIE, value);
        }
    }

    /// Sets the HTTP status of the page being rendered (e.g. 404 for an unknown survey).
    pub fn set_status(code: u16) {
        if let (Some(options), Ok(status)) =
            (use_context::<leptos_axum::ResponseOptions>(), http::StatusCode::from_u16(code))
        {
            options.set_status(status);
        }
    }
}
