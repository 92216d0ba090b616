//! `/api/auth/email-confirmation…`: confirming one's own email address with
//! an emailed link (README "Security": proof of address).

use super::error::{ApiError, ApiResult};
use super::extract::{ApiJson, Caller, Client};
use super::openapi::Problem;
use super::problems::{JsonBody, SessionAuth};
use app::backend::auth::session;
use app::backend::services::organization::email_confirmation;
use app::backend::AppState;
use app::domain::AppError;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(send_confirmation)).routes(routes!(confirm))
}

/// The token from a confirmation link (`/confirm-email/{token}`).
#[derive(Deserialize, utoipa::ToSchema)]
#[schema(example = json!({"token": "usr_1~1767225600000~9f86d081884c7d65.q0Kx2w"}))]
struct ConfirmIn {
    token: String,
}

/// Send a new confirmation link
///
/// To the signed-in person's own address. Sign-up sends the first one; at
/// most three a day.
#[utoipa::path(post, path = "/api/auth/email-confirmation", tag = "auth", security(("session" = [])),
    responses(
        (status = 202, description = "The link is on its way"),
        (status = 409, description = "The address is confirmed already, or the mail server refused", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Three links were sent in the last day", body = Problem, content_type = "application/problem+json"),
        SessionAuth,
    ))]
async fn send_confirmation(State(state): State<AppState>, caller: Caller) -> ApiResult<StatusCode> {
    let session = caller.require_session()?;
    let me = session::resolve(&state.db, session).await?.ok_or(ApiError(AppError::Unauthorized))?;
    email_confirmation::send(&state, &me.user_id, &me.email).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Confirm an address with its link
///
/// Needs no session: the token itself names the account. Using a link again is harmless.
#[utoipa::path(post, path = "/api/auth/email-confirmation/confirm", tag = "auth", request_body = ConfirmIn, security(()),
    responses(
        (status = 204, description = "The address is confirmed"),
        (status = 404, description = "The link is unknown or expired", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The body is not `{token}`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests", body = Problem, content_type = "application/problem+json"),
        JsonBody,
    ))]
async fn confirm(
    State(state): State<AppState>,
    Client(client): Client,
    ApiJson(input): ApiJson<ConfirmIn>,
) -> ApiResult<StatusCode> {
    email_confirmation::confirm(&state, &input.token, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}
