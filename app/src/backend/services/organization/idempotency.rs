//! `Idempotency-Key`: the first result of a POST is stored and replayed for
//! repeats of the same key, so a client that retries after a timeout never
//! creates the same thing twice. Keys are scoped to the caller and the
//! endpoint, and kept for `RETENTION_MS`.

use crate::backend::db::{internal, is_unique_violation, now_ms, Db};
use crate::domain::AppError;
use serde::{Deserialize, Serialize};
use sqlx::Row;

pub const RETENTION_MS: i64 = 24 * 3600 * 1000;
pub const MAX_KEY_LEN: usize = 255;
/// A claim with no result after this long belongs to a request that died
/// (a crashed server); the key may be used again.
pub const ABANDONED_AFTER_MS: i64 = 60_000;

/// A stored first result.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StoredResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

pub enum Claim {
    /// First use of the key: run the request, then `complete` or `abandon`.
    Fresh,
    /// Seen before with the same request: answer with this.
    Replay(StoredResponse),
}

/// Claims `key` within `scope` for a request whose body hashes to `request_hash`.
pub async fn claim(db: &Db, scope: &str, key: &str, request_hash: &str) -> Result<Claim, AppError> {
    if key.is_empty() || key.len() > MAX_KEY_LEN || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(AppError::field("Idempotency-Key", format!("1–{MAX_KEY_LEN} visible ASCII characters")));
    }
    let inserted = db
        .execute_write(
            sqlx::query("INSERT INTO idempotency_keys (scope, key, request_hash, created_at) VALUES ($1, $2, $3, $4)")
                .bind(scope)
                .bind(key)
                .bind(request_hash)
                .bind(now_ms()),
        )
        .await;
    match inserted {
        Ok(_) => return Ok(Claim::Fresh),
        Err(e) if is_unique_violation(&e) => {}
        Err(e) => return Err(internal(e)),
    }
    let row = sqlx::query("SELECT request_hash, status, response FROM idempotency_keys WHERE scope = $1 AND key = $2")
        .bind(scope)
        .bind(key)
        .fetch_optional(db.pool())
        .await?
        // Abandoned between our insert and select: treat as in progress.
        .ok_or_else(in_progress)?;
    let stored_hash: String = row.try_get("request_hash")?;
    if stored_hash != request_hash {
        return Err(AppError::Conflict {
            code: "idempotency_key_reused".into(),
            message: "this Idempotency-Key was already used with a different request".into(),
        });
    }
    let response: Option<String> = row.try_get("response")?;
    match response {
        Some(text) => Ok(Claim::Replay(serde_json::from_str(&text)?)),
        None => Err(in_progress()),
    }
}

fn in_progress() -> AppError {
    AppError::Conflict {
        code: "idempotency_request_in_progress".into(),
        message: "a request with this Idempotency-Key is still being processed; retry shortly".into(),
    }
}

/// Stores the first result for replay.
pub async fn complete(db: &Db, scope: &str, key: &str, response: &StoredResponse) -> Result<(), AppError> {
    db.execute_write(
        sqlx::query("UPDATE idempotency_keys SET status = $1, response = $2 WHERE scope = $3 AND key = $4")
            .bind(i64::from(response.status))
            .bind(serde_json::to_string(response)?)
            .bind(scope)
            .bind(key),
    )
    .await?;
    Ok(())
}

/// Releases the key after a failure on our side, so a retry can run.
pub async fn abandon(db: &Db, scope: &str, key: &str) -> Result<(), AppError> {
    db.execute_write(sqlx::query("DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2").bind(scope).bind(key))
        .await?;
    Ok(())
}

pub async fn purge_old(db: &Db) -> Result<(), AppError> {
    sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
        .bind(now_ms() - RETENTION_MS)
        .execute(db.pool())
        .await?;
    Ok(())
}
