//! API tokens: created from a dashboard session, shown once, immutable,
//! revocable. The JWT is signed here and never stored. A token acts for its
//! creator (see `auth::token_registry`): members see and revoke their own
//! tokens, owners every token of the organisation.

use crate::backend::auth::jwt::{Claims, AUDIENCE, ISSUER, TOKEN_TYPE};
use crate::backend::db::{internal, new_id, now_ms, to_datetime};
use crate::backend::services::organization::audit::{self, Actor};
use crate::backend::AppState;
use crate::domain::account::Role;
use crate::domain::audit::AuditAction;
use crate::domain::ids::{is_valid, IdKind};
use crate::domain::page::{PageRequest, Paginated};
use crate::domain::scope::Scope;
use crate::domain::token::{ApiToken, CreateTokenInput, CreatedToken};
use crate::domain::AppError;
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::Row;

const COLUMNS: &str = "t.id, t.title, t.scopes, t.created_at, t.expires_at, t.last_used_at, t.revoked_at, \
    t.created_by, u.email AS created_by_email";
const FROM: &str = "api_tokens t LEFT JOIN users u ON u.id = t.created_by";

/// Whose tokens a member sees and may revoke: owners every token of the
/// organisation, everyone else their own.
pub struct Viewer<'a> {
    pub organization_id: &'a str,
    pub user_id: &'a str,
    pub role: Role,
}

impl Viewer<'_> {
    /// `None` (all) for owners, else the member's own id.
    fn creator_filter(&self) -> Option<&str> {
        (self.role != Role::Owner).then_some(self.user_id)
    }
}

fn from_row(row: &AnyRow) -> Result<ApiToken, AppError> {
    let scopes: String = row.try_get("scopes")?;
    let time = |column: &str| -> Result<Option<chrono::DateTime<chrono::Utc>>, AppError> {
        Ok(row.try_get::<Option<i64>, _>(column)?.map(to_datetime))
    };
    Ok(ApiToken {
        id: row.try_get("id")?,
        title: row.try_get("title")?,
        scopes: scopes.split_whitespace().filter_map(Scope::parse).collect(),
        created_by: row.try_get("created_by")?,
        created_by_email: row.try_get("created_by_email")?,
        created_at: to_datetime(row.try_get("created_at")?),
        expires_at: time("expires_at")?,
        last_used_at: time("last_used_at")?,
        revoked_at: time("revoked_at")?,
    })
}

/// Creates a token for the caller's organisation and returns it, signed, once.
pub async fn create(
    state: &AppState,
    organization_id: &str,
    user_id: &str,
    actor: &Actor,
    input: CreateTokenInput,
) -> Result<CreatedToken, AppError> {
    let now = chrono::Utc::now();
    input.validate(now)?;
    let scopes = input.normalized_scopes();
    let id = new_id(IdKind::Token);
    let created_at = now_ms();
    let expires_at = input.expires_at.map(|t| t.timestamp_millis());
    let claims = Claims {
        iss: ISSUER.into(),
        aud: AUDIENCE.into(),
        sub: user_id.to_string(),
        org: organization_id.to_string(),
        jti: id.clone(),
        typ: TOKEN_TYPE.into(),
        scopes: scopes.iter().map(|s| s.as_str().to_string()).collect(),
        iat: created_at / 1000,
        exp: expires_at.map(|t| t / 1000),
    };
    let token = state.jwt.sign(&claims).map_err(internal)?;
    let scope_text = scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" ");
    let mut tx = state.db.begin_write().await?;
    sqlx::query(
        "INSERT INTO api_tokens (id, organization_id, created_by, title, scopes, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(organization_id)
    .bind(user_id)
    .bind(input.title.trim())
    .bind(&scope_text)
    .bind(created_at)
    .bind(expires_at)
    .execute(&mut *tx)
    .await?;
    audit::record_in(
        &mut tx,
        organization_id,
        actor,
        AuditAction::TokenCreated,
        audit::target("token", &id),
        json!({"title": input.title.trim(), "scopes": scope_text, "expiresAt": expires_at.map(to_datetime)}),
    )
    .await?;
    tx.commit().await?;
    Ok(CreatedToken {
        id,
        title: input.title.trim().to_string(),
        scopes,
        created_at: to_datetime(created_at),
        expires_at: expires_at.map(to_datetime),
        token,
    })
}

/// The tokens `viewer` may see, newest first.
pub async fn list(state: &AppState, viewer: &Viewer<'_>, page: PageRequest) -> Result<Paginated<ApiToken>, AppError> {
    let condition = "t.organization_id = $1 AND ($2 IS NULL OR t.created_by = $2)";
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE {condition} ORDER BY t.created_at DESC, t.id DESC LIMIT $3 OFFSET $4"
    ))
    .bind(viewer.organization_id)
    .bind(viewer.creator_filter())
    .bind(i64::from(page.per_page))
    .bind(page.offset())
    .fetch_all(state.db.pool())
    .await?;
    let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) AS n FROM {FROM} WHERE {condition}"))
        .bind(viewer.organization_id)
        .bind(viewer.creator_filter())
        .fetch_one(state.db.pool())
        .await?;
    Ok(Paginated::new(rows.iter().map(from_row).collect::<Result<_, _>>()?, page, total))
}

/// One token `viewer` may see (404 for anyone else's, as for unknown ids).
pub async fn get(state: &AppState, viewer: &Viewer<'_>, id: &str) -> Result<ApiToken, AppError> {
    if !is_valid(IdKind::Token, id) {
        return Err(AppError::not_found("token"));
    }
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE t.id = $1 AND t.organization_id = $2 AND ($3 IS NULL OR t.created_by = $3)"
    ))
    .bind(id)
    .bind(viewer.organization_id)
    .bind(viewer.creator_filter())
    .fetch_optional(state.db.pool())
    .await?;
    row.as_ref().map(from_row).transpose()?.ok_or_else(|| AppError::not_found("token"))
}

/// Revokes a token: refused from this moment on this replica, and within
/// the registry's refresh interval on every other. Revoking twice is harmless.
pub async fn revoke(state: &AppState, viewer: &Viewer<'_>, actor: &Actor, id: &str) -> Result<(), AppError> {
    let token = get(state, viewer, id).await?;
    let mut tx = state.db.begin_write().await?;
    let done = sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND organization_id = $3 AND revoked_at IS NULL",
    )
    .bind(now_ms())
    .bind(id)
    .bind(viewer.organization_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() > 0 {
        audit::record_in(
            &mut tx,
            viewer.organization_id,
            actor,
            AuditAction::TokenRevoked,
            audit::target("token", id),
            json!({"title": token.title, "createdBy": token.created_by_email}),
        )
        .await?;
    }
    tx.commit().await?;
    state.tokens.mark_revoked(id);
    Ok(())
}
