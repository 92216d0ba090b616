//! API tokens: created from a dashboard session, shown once, immutable,
//! revocable. The JWT is signed here and never stored.

use crate::backend::auth::jwt::{Claims, AUDIENCE, ISSUER, TOKEN_TYPE};
use crate::backend::db::{internal, new_id, now_ms, to_datetime};
use crate::backend::AppState;
use crate::domain::ids::{is_valid, IdKind};
use crate::domain::page::{PageRequest, Paginated};
use crate::domain::scope::Scope;
use crate::domain::token::{ApiToken, CreateTokenInput, CreatedToken};
use crate::domain::AppError;
use sqlx::any::AnyRow;
use sqlx::Row;

const COLUMNS: &str = "id, title, scopes, created_at, expires_at, last_used_at, revoked_at";

fn from_row(row: &AnyRow) -> Result<ApiToken, AppError> {
    let scopes: String = row.try_get("scopes").map_err(internal)?;
    let time = |column: &str| -> Result<Option<chrono::DateTime<chrono::Utc>>, AppError> {
        Ok(row.try_get::<Option<i64>, _>(column).map_err(internal)?.map(to_datetime))
    };
    Ok(ApiToken {
        id: row.try_get("id").map_err(internal)?,
        title: row.try_get("title").map_err(internal)?,
        scopes: scopes.split_whitespace().filter_map(Scope::parse).collect(),
        created_at: to_datetime(row.try_get("created_at").map_err(internal)?),
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
    sqlx::query(
        "INSERT INTO api_tokens (id, organization_id, created_by, title, scopes, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(organization_id)
    .bind(user_id)
    .bind(input.title.trim())
    .bind(scope_text)
    .bind(created_at)
    .bind(expires_at)
    .execute(state.db.pool())
    .await
    .map_err(internal)?;
    Ok(CreatedToken {
        id,
        title: input.title.trim().to_string(),
        scopes,
        created_at: to_datetime(created_at),
        expires_at: expires_at.map(to_datetime),
        token,
    })
}

pub async fn list(state: &AppState, org_id: &str, page: PageRequest) -> Result<Paginated<ApiToken>, AppError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM api_tokens WHERE organization_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3"
    ))
    .bind(org_id)
    .bind(i64::from(page.per_page))
    .bind(page.offset())
    .fetch_all(state.db.pool())
    .await
    .map_err(internal)?;
    let total: i64 = sqlx::query("SELECT COUNT(*) AS n FROM api_tokens WHERE organization_id = $1")
        .bind(org_id)
        .fetch_one(state.db.pool())
        .await
        .map_err(internal)?
        .try_get("n")
        .map_err(internal)?;
    Ok(Paginated::new(rows.iter().map(from_row).collect::<Result<_, _>>()?, page, total))
}

pub async fn get(state: &AppState, org_id: &str, id: &str) -> Result<ApiToken, AppError> {
    if !is_valid(IdKind::Token, id) {
        return Err(AppError::not_found("token"));
    }
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM api_tokens WHERE id = $1 AND organization_id = $2"))
        .bind(id)
        .bind(org_id)
        .fetch_optional(state.db.pool())
        .await
        .map_err(internal)?;
    row.as_ref().map(from_row).transpose()?.ok_or_else(|| AppError::not_found("token"))
}

/// Revokes a token: refused from this moment on this replica, and within
/// the registry's refresh interval on every other. Revoking twice is harmless.
pub async fn revoke(state: &AppState, org_id: &str, id: &str) -> Result<(), AppError> {
    get(state, org_id, id).await?;
    sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND organization_id = $3 AND revoked_at IS NULL")
        .bind(now_ms())
        .bind(id)
        .bind(org_id)
        .execute(state.db.pool())
        .await
        .map_err(internal)?;
    state.tokens.mark_revoked(id);
    Ok(())
}
