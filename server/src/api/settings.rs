//! `/api/settings/…`: the organisation's metadata rules (declared keys with
//! type and anonymize flag, strict mode, what anonymizing does), its allowed
//! sites, its own mail server and its data retention. Organisation settings
//! are managed from a dashboard session; viewers may read, not change.

use super::error::ApiResult;
use super::extract::{ApiJson, Caller};
use super::openapi::Problem;
use super::problems::{EditorSession, JsonBody, OwnerSession, SessionAuth};
use app::backend::services::{
    organization::audit, organization::metadata_keys, organization::sites, organization::two_factor,
    outreach::organization_smtp, responses::retention,
};
use app::backend::AppState;
use app::domain::account::{Role, SecuritySettings};
use app::domain::metadata_keys::MetadataPolicy;
use app::domain::smtp::{SmtpSettings, SmtpSettingsInput, SmtpTestResult};
use app::domain::AppError;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_policy, put_policy))
        .routes(routes!(get_sites, put_sites))
        .routes(routes!(get_smtp, put_smtp, delete_smtp))
        .routes(routes!(test_smtp))
        .routes(routes!(get_retention, put_retention))
        .routes(routes!(get_security, put_security))
        .routes(routes!(get_audit_settings, put_audit_settings))
}

/// The organisation's metadata rules
#[utoipa::path(get, path = "/api/settings/metadata", tag = "settings", security(("session" = [])),
    responses(
        (status = 200, description = "Declared keys and switches", body = MetadataPolicy),
        SessionAuth,
    ))]
async fn get_policy(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<MetadataPolicy>> {
    caller.require_session()?;
    Ok(Json(metadata_keys::policy(&state.db, caller.organization_id()).await?))
}

/// Replace the organisation's metadata rules
///
/// Declared keys are validated and typed on every response from then on;
/// anonymized keys are stored only as a keyed hash (or dropped, with
/// `anonymizeMode: "drop"`); with `strict`, undeclared keys are refused.
#[utoipa::path(put, path = "/api/settings/metadata", tag = "settings", request_body = MetadataPolicy,
    security(("session" = [])),
    responses(
        (status = 200, description = "Saved", body = MetadataPolicy),
        (status = 422, description = "Invalid keys; `errors` names each", body = Problem, content_type = "application/problem+json"),
        JsonBody, EditorSession,
    ))]
async fn put_policy(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(policy): ApiJson<MetadataPolicy>,
) -> ApiResult<Json<MetadataPolicy>> {
    caller.require_editor_session()?;
    Ok(Json(metadata_keys::save_policy(&state.db, caller.organization_id(), &caller.actor(), &policy).await?))
}

/// Sites that may show any of the organisation's surveys.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct AllowedSites {
    /// Origins such as `https://shop.example.com`; `https://*.example.com`
    /// allows every subdomain. Added to each survey's own list.
    allowed_origins: Vec<String>,
}

/// The organisation's allowed sites
#[utoipa::path(get, path = "/api/settings/embed", tag = "settings", security(("session" = [])),
    responses(
        (status = 200, description = "The sites", body = AllowedSites),
        SessionAuth,
    ))]
async fn get_sites(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<AllowedSites>> {
    caller.require_session()?;
    Ok(Json(AllowedSites { allowed_origins: sites::get(&state.db, caller.organization_id()).await? }))
}

/// Replace the organisation's allowed sites
#[utoipa::path(put, path = "/api/settings/embed", tag = "settings", request_body = AllowedSites,
    security(("session" = [])),
    responses(
        (status = 200, description = "Saved (normalised: lower case, once each)", body = AllowedSites),
        (status = 422, description = "A bad origin; `errors` names each (`allowedOrigins[i]`)", body = Problem, content_type = "application/problem+json"),
        JsonBody, EditorSession,
    ))]
async fn put_sites(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(sites): ApiJson<AllowedSites>,
) -> ApiResult<Json<AllowedSites>> {
    caller.require_editor_session()?;
    let saved = sites::set(&state.db, caller.organization_id(), &caller.actor(), &sites.allowed_origins).await?;
    Ok(Json(AllowedSites { allowed_origins: saved }))
}

/// The organisation's mail server
///
/// The password is never returned; `passwordSet` says whether one is stored.
#[utoipa::path(get, path = "/api/settings/smtp", tag = "settings", security(("session" = [])),
    responses(
        (status = 200, description = "The organisation's own mail server", body = SmtpSettings),
        (status = 404, description = "None: invitations use the server's VOX_SMTP_URL, or the outbox", body = Problem, content_type = "application/problem+json"),
        SessionAuth,
    ))]
async fn get_smtp(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<SmtpSettings>> {
    caller.require_session()?;
    let settings = organization_smtp::get(&state.db, caller.organization_id()).await?;
    Ok(Json(settings.ok_or_else(|| AppError::not_found("SMTP settings"))?))
}

/// Set the organisation's mail server
///
/// Invitations go through it from then on. A `password` absent keeps the
/// stored one, `""` removes it; it is sealed at rest and only sent over
/// STARTTLS or TLS. The host must not be a private or loopback address.
#[utoipa::path(put, path = "/api/settings/smtp", tag = "settings", request_body = SmtpSettingsInput,
    security(("session" = [])),
    responses(
        (status = 200, description = "Saved", body = SmtpSettings),
        (status = 422, description = "Invalid settings; `errors` names each field", body = Problem, content_type = "application/problem+json"),
        JsonBody, EditorSession,
    ))]
async fn put_smtp(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<SmtpSettingsInput>,
) -> ApiResult<Json<SmtpSettings>> {
    caller.require_editor_session()?;
    Ok(Json(organization_smtp::set(&state, caller.organization_id(), &caller.actor(), &input).await?))
}

/// Remove the organisation's mail server
///
/// Invitations go through the server's VOX_SMTP_URL again (or the outbox).
#[utoipa::path(delete, path = "/api/settings/smtp", tag = "settings", security(("session" = [])),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "There was none", body = Problem, content_type = "application/problem+json"),
        EditorSession,
    ))]
async fn delete_smtp(State(state): State<AppState>, caller: Caller) -> ApiResult<StatusCode> {
    caller.require_editor_session()?;
    if organization_smtp::remove(&state.db, caller.organization_id(), &caller.actor()).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::not_found("SMTP settings").into())
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
struct TestMessage {
    /// Who receives the test message.
    to: String,
}

/// Send a test message
///
/// Through whatever the organisation's invitations use now (its own server,
/// else the server's). The mail server's answer is in the result.
#[utoipa::path(post, path = "/api/settings/smtp/test", tag = "settings", request_body = TestMessage,
    security(("session" = [])),
    responses(
        (status = 200, description = "Tried; `sent` says whether the mail server accepted it", body = SmtpTestResult),
        (status = 409, description = "No mail server at all: invitations stay in the outbox", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`to` is not an address", body = Problem, content_type = "application/problem+json"),
        JsonBody, EditorSession,
    ))]
async fn test_smtp(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(message): ApiJson<TestMessage>,
) -> ApiResult<Json<SmtpTestResult>> {
    caller.require_editor_session()?;
    Ok(Json(organization_smtp::send_test(&state, caller.organization_id(), &message.to).await?))
}

#[derive(Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct Retention {
    /// Responses older than this many days are deleted (1–3650); `null` keeps them.
    retention_days: Option<i64>,
}

/// The organisation's data retention
#[utoipa::path(get, path = "/api/settings/retention", tag = "settings", security(("session" = [])),
    responses(
        (status = 200, description = "How long responses are kept", body = Retention),
        SessionAuth,
    ))]
async fn get_retention(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Retention>> {
    caller.require_session()?;
    Ok(Json(Retention { retention_days: retention::get(&state.db, caller.organization_id()).await? }))
}

/// Set the organisation's data retention
///
/// The hourly housekeeping deletes older responses, with their answers,
/// metadata and webhook copies.
#[utoipa::path(put, path = "/api/settings/retention", tag = "settings", request_body = Retention,
    security(("session" = [])),
    responses(
        (status = 200, description = "Saved", body = Retention),
        (status = 422, description = "Out of range", body = Problem, content_type = "application/problem+json"),
        JsonBody, EditorSession,
    ))]
async fn put_retention(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<Retention>,
) -> ApiResult<Json<Retention>> {
    caller.require_editor_session()?;
    let days = retention::set(&state.db, caller.organization_id(), &caller.actor(), input.retention_days).await?;
    Ok(Json(Retention { retention_days: days }))
}

/// The organisation's security policy
#[utoipa::path(get, path = "/api/settings/security", tag = "settings", security(("session" = [])),
    responses(
        (status = 200, description = "The policy", body = SecuritySettings),
        SessionAuth,
    ))]
async fn get_security(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<SecuritySettings>> {
    caller.require_session()?;
    Ok(Json(two_factor::security_settings(&state.db, caller.organization_id()).await?))
}

/// Set the organisation's security policy (owners)
///
/// With `requireTwoFactor`, every member must sign in with a second factor:
/// members who have not set it up are sent to do so (every other request of
/// theirs answers 403 `two_factor_setup_required`), and their API tokens
/// wait until they have. The owner turning it on must have it already.
#[utoipa::path(put, path = "/api/settings/security", tag = "settings", request_body = SecuritySettings,
    security(("session" = [])),
    responses(
        (status = 200, description = "Saved", body = SecuritySettings),
        (status = 422, description = "You have no second factor yourself", body = Problem, content_type = "application/problem+json"),
        JsonBody, OwnerSession,
    ))]
async fn put_security(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<SecuritySettings>,
) -> ApiResult<Json<SecuritySettings>> {
    caller.require_session()?;
    let saved = two_factor::set_security_settings(
        &state,
        caller.organization_id(),
        &caller.user_id,
        caller.role,
        &caller.actor(),
        &input,
    )
    .await?;
    Ok(Json(saved))
}

/// How long the audit log is kept.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct AuditSettings {
    /// Days, 30 to 3,650 (default 365).
    retention_days: i64,
}

/// The audit log's retention
#[utoipa::path(get, path = "/api/settings/audit", tag = "settings", security(("session" = [])),
    responses(
        (status = 200, description = "How long entries are kept", body = AuditSettings),
        EditorSession,
    ))]
async fn get_audit_settings(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<AuditSettings>> {
    caller.require_session()?;
    caller.require(app::domain::scope::Scope::AuditRead)?;
    Ok(Json(AuditSettings { retention_days: audit::retention_days(&state.db, caller.organization_id()).await? }))
}

/// Set the audit log's retention (owners)
///
/// The hourly housekeeping deletes older entries; nothing else ever does.
#[utoipa::path(put, path = "/api/settings/audit", tag = "settings", request_body = AuditSettings,
    security(("session" = [])),
    responses(
        (status = 200, description = "Saved", body = AuditSettings),
        (status = 422, description = "Out of range", body = Problem, content_type = "application/problem+json"),
        JsonBody, OwnerSession,
    ))]
async fn put_audit_settings(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<AuditSettings>,
) -> ApiResult<Json<AuditSettings>> {
    caller.require_session()?;
    if caller.role != Role::Owner {
        return Err(AppError::Forbidden { message: "only owners change how long the audit log is kept".into() }.into());
    }
    let days =
        audit::set_retention_days(&state.db, caller.organization_id(), &caller.actor(), input.retention_days).await?;
    Ok(Json(AuditSettings { retention_days: days }))
}
