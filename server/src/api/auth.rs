//! `POST /api/auth/signup`, `/login`, `/logout`: dashboard sessions over JSON.

use super::error::ApiResult;
use super::extract::{session_token, ApiJson};
use super::openapi::Problem;
use app::backend::auth::session::clearing_cookie;
use app::backend::services::accounts;
use app::backend::AppState;
use app::domain::account::{LoginInput, Me, SignupInput};
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(signup)).routes(routes!(login)).routes(routes!(logout))
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

/// Sign up
///
/// Creates a user and a new organisation they own, and signs them in
/// (`Set-Cookie: vox_session=…; HttpOnly; SameSite=Lax`).
#[utoipa::path(post, path = "/api/auth/signup", tag = "auth", request_body = SignupInput, security(()),
    responses(
        (status = 201, description = "Signed up and signed in", body = SessionOut),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "An account with this email exists", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts", body = Problem, content_type = "application/problem+json"),
    ))]
async fn signup(State(state): State<AppState>, ApiJson(input): ApiJson<SignupInput>) -> ApiResult<Response> {
    let (me, token) = accounts::signup(&state.db, input).await?;
    let cookie = token.cookie(state.config.secure_cookies());
    Ok((StatusCode::CREATED, [(header::SET_COOKIE, cookie)], Json(SessionOut::from(me))).into_response())
}

/// Sign in
///
/// After 5 failed attempts for an email within 15 minutes, further attempts
/// are refused (429) until the window passes.
#[utoipa::path(post, path = "/api/auth/login", tag = "auth", request_body = LoginInput, security(()),
    responses(
        (status = 200, description = "Signed in", body = SessionOut),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Wrong email or password", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing fields", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts", body = Problem, content_type = "application/problem+json"),
    ))]
async fn login(State(state): State<AppState>, ApiJson(input): ApiJson<LoginInput>) -> ApiResult<Response> {
    let (me, token) = accounts::login(&state.db, input).await?;
    let cookie = token.cookie(state.config.secure_cookies());
    Ok(([(header::SET_COOKIE, cookie)], Json(SessionOut::from(me))).into_response())
}

/// Sign out
#[utoipa::path(post, path = "/api/auth/logout", tag = "auth", security(("session" = [])),
    responses((status = 204, description = "Signed out (also when no session was open)")))]
async fn logout(State(state): State<AppState>, headers: axum::http::HeaderMap) -> ApiResult<Response> {
    if let Some(token) = session_token(&headers) {
        accounts::logout(&state.db, &token).await?;
    }
    let cookie = clearing_cookie(state.config.secure_cookies());
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}
