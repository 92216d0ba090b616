//! `/api/auth/…`: dashboard sessions over JSON: sign-up, sign-in (with the
//! second-factor step), sign-out, password reset and change, and two-factor
//! sign-in. Every password or code check passes one throttle.

use super::error::{ApiError, ApiResult};
use super::extract::{session_token, ApiJson, Caller, Client};
use super::openapi::Problem;
use super::problems::{JsonBody, SessionAuth};
use app::backend::auth::session::clearing_cookie;
use app::backend::services::organization::accounts::{self, SignIn, SignedIn};
use app::backend::services::{organization::passwords, organization::two_factor};
use app::backend::AppState;
use app::domain::account::{
    ChangePasswordInput, LoginInput, Me, PasswordResetInput, PasswordResetRequest, RecoveryCodes, SecondFactorInput,
    SignupInput, TwoFactorSetup, TwoFactorStatus,
};
use app::domain::AppError;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(signup))
        .routes(routes!(login))
        .routes(routes!(login_second_factor))
        .routes(routes!(logout))
        .routes(routes!(request_password_reset))
        .routes(routes!(confirm_password_reset))
        .routes(routes!(change_password))
        .routes(routes!(two_factor_status))
        .routes(routes!(two_factor_setup))
        .routes(routes!(two_factor_enable))
        .routes(routes!(two_factor_disable))
        .routes(routes!(two_factor_recovery_codes))
}

/// Who is signed in, and for which organisation.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct SessionOut {
    user: UserOut,
    organization: OrganizationOut,
    role: &'static str,
}

#[derive(Serialize, utoipa::ToSchema)]
struct UserOut {
    id: String,
    email: String,
}

#[derive(Serialize, utoipa::ToSchema)]
struct OrganizationOut {
    id: String,
    name: String,
}

impl From<Me> for SessionOut {
    fn from(me: Me) -> Self {
        SessionOut {
            role: me.role.as_str(),
            user: UserOut { id: me.user_id, email: me.email },
            organization: OrganizationOut { id: me.organization_id, name: me.organization_name },
        }
    }
}

/// The answer that starts a session: both cookies, and who is signed in.
fn signed_in(state: &AppState, status: StatusCode, done: SignedIn) -> Response {
    let cookie = done.session.cookie(state.config.secure_cookies());
    let mut response = (status, Json(SessionOut::from(done.me))).into_response();
    for value in [cookie, done.device_cookie] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// Sign up
///
/// Creates a user and a new organisation they own, and signs them in
/// (`Set-Cookie: vox_session=…; HttpOnly; SameSite=Lax`).
#[utoipa::path(post, path = "/api/auth/signup", tag = "auth", request_body = SignupInput, security(()),
    responses(
        (status = 201, description = "Signed up and signed in", body = SessionOut),
        (status = 409, description = "An account with this email exists", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts", body = Problem, content_type = "application/problem+json"),
        JsonBody,
    ))]
async fn signup(
    State(state): State<AppState>,
    Client(client): Client,
    ApiJson(input): ApiJson<SignupInput>,
) -> ApiResult<Response> {
    let done = accounts::signup(&state, input, &client).await?;
    Ok(signed_in(&state, StatusCode::CREATED, done))
}

/// Sign in
///
/// Every password check passes one throttle: after 5 failures for an
/// account from one address, that address waits 1 s, then 2 s, 4 s … up to
/// 15 minutes between attempts (429 with `Retry-After`), while the owner
/// signing in from elsewhere is not slowed. For an account with two-factor
/// sign-in the answer is 401 `second_factor_required` with a `ticket`: send
/// it with the code to `POST /api/auth/login/second-factor`.
#[utoipa::path(post, path = "/api/auth/login", tag = "auth", request_body = LoginInput, security(()),
    responses(
        (status = 200, description = "Signed in", body = SessionOut),
        (status = 401, description = "Wrong email or password (`unauthorized`), or the password was right and a second factor is needed (`second_factor_required`, with `ticket`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The account is no longer a member of any organisation", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing fields", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts: wait `Retry-After` seconds", body = Problem, content_type = "application/problem+json"),
        JsonBody,
    ))]
async fn login(
    State(state): State<AppState>,
    Client(client): Client,
    ApiJson(input): ApiJson<LoginInput>,
) -> ApiResult<Response> {
    match accounts::login(&state, input, &client).await? {
        SignIn::Done(done) => Ok(signed_in(&state, StatusCode::OK, done)),
        SignIn::SecondFactor { ticket } => Err(ApiError(AppError::SecondFactorRequired { ticket })),
    }
}

/// Sign in: the second factor
///
/// The code from the authenticator app (6 digits, each usable once), or one
/// of the recovery codes, with the ticket from the password step.
#[utoipa::path(post, path = "/api/auth/login/second-factor", tag = "auth", request_body = SecondFactorInput, security(()),
    responses(
        (status = 200, description = "Signed in", body = SessionOut),
        (status = 400, description = "Malformed JSON, or the ticket expired (`ticket_expired`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Wrong code or ticket", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The account is no longer a member of any organisation", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing fields", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts", body = Problem, content_type = "application/problem+json"),
    ))]
async fn login_second_factor(
    State(state): State<AppState>,
    Client(client): Client,
    ApiJson(input): ApiJson<SecondFactorInput>,
) -> ApiResult<Response> {
    let done = accounts::login_second_factor(&state, input, &client).await?;
    Ok(signed_in(&state, StatusCode::OK, done))
}

/// Sign out
#[utoipa::path(post, path = "/api/auth/logout", tag = "auth", security((), ("session" = [])),
    responses((status = 204, description = "Signed out (also when no session was open)")))]
async fn logout(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    if let Some(token) = session_token(&headers) {
        accounts::logout(&state.db, &token).await?;
    }
    let cookie = clearing_cookie(state.config.secure_cookies());
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}

/// Forgot password
///
/// Emails a reset link (valid one hour, usable once) if the address has an
/// account. The answer is the same either way.
#[utoipa::path(post, path = "/api/auth/password-reset", tag = "auth", request_body = PasswordResetRequest, security(()),
    responses(
        (status = 202, description = "If the address has an account, a link is on its way"),
        (status = 422, description = "Not an email address", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests", body = Problem, content_type = "application/problem+json"),
        JsonBody,
    ))]
async fn request_password_reset(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<PasswordResetRequest>,
) -> ApiResult<StatusCode> {
    passwords::request_reset(&state, &input.email).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Set a new password with a reset link
///
/// Ends every session of the account; sign in with the new password (and
/// the second factor, if the account has one).
#[utoipa::path(post, path = "/api/auth/password-reset/confirm", tag = "auth", request_body = PasswordResetInput, security(()),
    responses(
        (status = 204, description = "The password is set; every session has ended"),
        (status = 404, description = "The link is unknown, expired or used", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The new password breaks a rule", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests", body = Problem, content_type = "application/problem+json"),
        JsonBody,
    ))]
async fn confirm_password_reset(
    State(state): State<AppState>,
    Client(client): Client,
    ApiJson(input): ApiJson<PasswordResetInput>,
) -> ApiResult<StatusCode> {
    passwords::reset(&state, input, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Change password
///
/// Needs the current password (throttled like signing in); every other
/// session of the account ends, this one stays.
#[utoipa::path(post, path = "/api/auth/password", tag = "auth", request_body = ChangePasswordInput, security(("session" = [])),
    responses(
        (status = 204, description = "Changed"),
        (status = 422, description = "Wrong current password, or the new one breaks a rule", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts", body = Problem, content_type = "application/problem+json"),
        JsonBody, SessionAuth,
    ))]
async fn change_password(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<ChangePasswordInput>,
) -> ApiResult<StatusCode> {
    let (me, session) = session_me(&state, &caller).await?;
    passwords::change(&state, &me, &session, input, &caller.client).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in person behind a session caller.
async fn session_me(state: &AppState, caller: &Caller) -> ApiResult<(Me, app::backend::auth::SessionToken)> {
    let session = caller.require_session()?.clone();
    let me =
        app::backend::auth::session::resolve(&state.db, &session).await?.ok_or(ApiError(AppError::Unauthorized))?;
    Ok((me, session))
}

/// Two-factor sign-in: on or off, and recovery codes left
#[utoipa::path(get, path = "/api/auth/two-factor", tag = "auth", security(("session" = [])),
    responses(
        (status = 200, description = "The account's two-factor sign-in", body = TwoFactorStatus),
        SessionAuth,
    ))]
async fn two_factor_status(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<TwoFactorStatus>> {
    caller.require_session()?;
    Ok(Json(two_factor::status(&state.db, &caller.user_id).await?))
}

/// Two-factor sign-in: a new authenticator secret
///
/// Scan the QR code (or type the secret) into an authenticator app, then
/// confirm with a first code (`…/two-factor/enable`).
#[utoipa::path(post, path = "/api/auth/two-factor/setup", tag = "auth", security(("session" = [])),
    responses(
        (status = 200, description = "The secret, not active until confirmed", body = TwoFactorSetup),
        (status = 409, description = "Two-factor sign-in is already on", body = Problem, content_type = "application/problem+json"),
        SessionAuth,
    ))]
async fn two_factor_setup(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<TwoFactorSetup>> {
    let (me, _) = session_me(&state, &caller).await?;
    Ok(Json(two_factor::begin_setup(&state, &me).await?))
}

/// A code, from the authenticator app or a recovery code.
#[derive(Deserialize, utoipa::ToSchema)]
#[schema(example = json!({"code": "492039"}))]
struct CodeIn {
    code: String,
}

/// A password, to confirm a change to two-factor sign-in.
#[derive(Deserialize, utoipa::ToSchema)]
#[schema(example = json!({"password": "correct horse battery staple"}))]
struct PasswordIn {
    password: String,
}

/// Two-factor sign-in: turn on
///
/// With the first code the app shows. Answers the ten recovery codes, once.
#[utoipa::path(post, path = "/api/auth/two-factor/enable", tag = "auth", request_body = CodeIn, security(("session" = [])),
    responses(
        (status = 200, description = "On; keep the recovery codes somewhere safe", body = RecoveryCodes),
        (status = 409, description = "No set-up was started", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not the code the app shows now", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts", body = Problem, content_type = "application/problem+json"),
        JsonBody, SessionAuth,
    ))]
async fn two_factor_enable(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<CodeIn>,
) -> ApiResult<Json<RecoveryCodes>> {
    let (me, _) = session_me(&state, &caller).await?;
    Ok(Json(two_factor::enable(&state, &me, &input.code, &caller.client).await?))
}

/// Two-factor sign-in: turn off
#[utoipa::path(post, path = "/api/auth/two-factor/disable", tag = "auth", request_body = PasswordIn, security(("session" = [])),
    responses(
        (status = 204, description = "Off"),
        (status = 409, description = "An organisation of yours requires it", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Wrong password", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts", body = Problem, content_type = "application/problem+json"),
        JsonBody, SessionAuth,
    ))]
async fn two_factor_disable(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<PasswordIn>,
) -> ApiResult<StatusCode> {
    let (me, _) = session_me(&state, &caller).await?;
    two_factor::disable(&state, &me, input.password, &caller.client).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Two-factor sign-in: new recovery codes
///
/// The old ones stop working.
#[utoipa::path(post, path = "/api/auth/two-factor/recovery-codes", tag = "auth", request_body = PasswordIn, security(("session" = [])),
    responses(
        (status = 200, description = "Ten new codes, shown once", body = RecoveryCodes),
        (status = 409, description = "Two-factor sign-in is off", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Wrong password", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts", body = Problem, content_type = "application/problem+json"),
        JsonBody, SessionAuth,
    ))]
async fn two_factor_recovery_codes(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<PasswordIn>,
) -> ApiResult<Json<RecoveryCodes>> {
    let (me, _) = session_me(&state, &caller).await?;
    Ok(Json(two_factor::regenerate_recovery_codes(&state, &me, input.password, &caller.client).await?))
}
