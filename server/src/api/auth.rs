//! `POST /api/auth/signup`, `/login`, `/logout`: dashboard sessions over JSON.

use super::error::ApiResult;
use super::extract::{session_token, ApiJson};
use app::backend::auth::session::clearing_cookie;
use app::backend::services::accounts;
use app::backend::AppState;
use app::domain::account::{LoginInput, Me, SignupInput};
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::Serialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/signup", post(signup))
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SessionOut {
    user: UserOut,
    organization: OrganizationOut,
    role: &'static str,
}

#[derive(Serialize)]
struct UserOut {
    id: String,
    email: String,
}

#[derive(Serialize)]
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

async fn signup(State(state): State<AppState>, ApiJson(input): ApiJson<SignupInput>) -> ApiResult<Response> {
    let (me, token) = accounts::signup(&state.db, input).await?;
    let cookie = token.cookie(state.config.secure_cookies());
    Ok((StatusCode::CREATED, [(header::SET_COOKIE, cookie)], Json(SessionOut::from(me))).into_response())
}

async fn login(State(state): State<AppState>, ApiJson(input): ApiJson<LoginInput>) -> ApiResult<Response> {
    let (me, token) = accounts::login(&state.db, input).await?;
    let cookie = token.cookie(state.config.secure_cookies());
    Ok(([(header::SET_COOKIE, cookie)], Json(SessionOut::from(me))).into_response())
}

async fn logout(State(state): State<AppState>, headers: axum::http::HeaderMap) -> ApiResult<Response> {
    if let Some(token) = session_token(&headers) {
        accounts::logout(&state.db, &token).await?;
    }
    let cookie = clearing_cookie(state.config.secure_cookies());
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}
