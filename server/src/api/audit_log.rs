//! `GET /api/audit-log`: who did what in the organisation. Read-only: the
//! log is append-only for everyone, and only retention removes entries.

use super::error::{ApiError, ApiResult};
use super::extract::{ApiQuery, Caller, PageParams, Pagination};
use super::openapi::Problem;
use app::backend::services::organization::audit;
use app::backend::AppState;
use app::domain::audit::{AuditAction, AuditEntry, AuditFilter};
use app::domain::page::Paginated;
use app::domain::scope::Scope;
use app::domain::AppError;
use axum::extract::State;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list))
}

/// Filters of the audit log, parsed by `ApiQuery`.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct AuditParams {
    /// One action, e.g. `sign_in.failed`, `token.revoked`, `member.removed`.
    action: Option<String>,
    /// A member's user id or email.
    actor: Option<String>,
    /// From this time (a date or RFC 3339).
    from: Option<String>,
    /// Before this time (a date, meaning its end, or RFC 3339).
    to: Option<String>,
}

/// The audit log
///
/// Every security-relevant action, newest first: sign-ins (and failures),
/// password and two-factor changes, API tokens created and revoked, members
/// invited, joined, removed or given another role, webhooks created,
/// changed, deleted and their secrets rotated, settings changed, exports
/// started, responses deleted. Each entry names the actor (and the token,
/// for API calls), their address, the time and the target.
#[utoipa::path(get, path = "/api/audit-log", tag = "audit", params(AuditParams, PageParams),
    security(("bearer" = ["audit:read"]), ("session" = [])),
    responses(
        (status = 200, description = "Entries", body = Paginated<AuditEntry>),
        (status = 401, description = "No or invalid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Missing scope audit:read (viewers never have it)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad filter", body = Problem, content_type = "application/problem+json"),
    ))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Pagination(page): Pagination,
    ApiQuery(params): ApiQuery<AuditParams>,
) -> ApiResult<Json<Paginated<AuditEntry>>> {
    caller.require(Scope::AuditRead)?;
    let filter = params.into_filter()?;
    Ok(Json(audit::list(&state.db, caller.organization_id(), &filter, page).await?))
}

impl AuditParams {
    fn into_filter(self) -> Result<AuditFilter, ApiError> {
        let action = match self.action {
            None => None,
            Some(text) => Some(AuditAction::parse(&text).ok_or_else(|| {
                AppError::field("action", "not an audit action (e.g. sign_in.failed, token.revoked)")
            })?),
        };
        Ok(AuditFilter {
            action,
            actor: self.actor.filter(|v| !v.trim().is_empty()),
            from_ms: self.from.as_deref().map(|v| parse_time("from", v, false)).transpose()?,
            to_ms: self.to.as_deref().map(|v| parse_time("to", v, true)).transpose()?,
        })
    }
}

/// A date (`2026-12-05`, its start, or with `end_of_day` the next day's) or RFC 3339.
fn parse_time(field: &str, value: &str, end_of_day: bool) -> Result<i64, ApiError> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(value) {
        return Ok(t.timestamp_millis());
    }
    let date = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map_err(|_| AppError::field(field, "a date (2026-12-05) or an RFC 3339 time"))?;
    let date = if end_of_day { date.succ_opt().unwrap_or(date) } else { date };
    Ok(date.and_hms_opt(0, 0, 0).map_or(0, |t| t.and_utc().timestamp_millis()))
}
