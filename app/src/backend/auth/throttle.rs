//! Sign-in throttling per email address, kept in the database so that every
//! server replica sees the same count: after `MAX_FAILURES` failed attempts
//! within `WINDOW_MS`, further attempts are refused (429) until the oldest
//! failure leaves the window. A successful sign-in clears the count.

use crate::backend::db::{internal, now_ms, Db};
use crate::domain::AppError;
use sqlx::Row;

pub const MAX_FAILURES: i64 = 5;
pub const WINDOW_MS: i64 = 15 * 60 * 1000;

/// Refuses with `RateLimited` when the email has too many recent failures.
pub async fn check(db: &Db, email: &str) -> Result<(), AppError> {
    let since = now_ms() - WINDOW_MS;
    let row = sqlx::query(
        "SELECT COUNT(*) AS n, MIN(at) AS oldest FROM login_failures WHERE email = $1 AND at > $2",
    )
    .bind(email)
    .bind(since)
    .fetch_one(db.pool())
    .await
    .map_err(internal)?;
    let failures: i64 = row.try_get("n").map_err(internal)?;
    if failures < MAX_FAILURES {
        return Ok(());
    }
    let oldest: Option<i64> = row.try_get("oldest").map_err(internal)?;
    let wait_ms = oldest
        .map_or(WINDOW_MS, |t| t + WINDOW_MS - now_ms())
        .max(1000);
    Err(AppError::RateLimited {
        retry_after_secs: (wait_ms as u64).div_ceil(1000),
    })
}

pub async fn record_failure(db: &Db, email: &str) -> Result<(), AppError> {
    let now = now_ms();
    sqlx::query("INSERT INTO login_failures (email, at) VALUES ($1, $2)")
        .bind(email)
        .bind(now)
        .execute(db.pool())
        .await
        .map_err(internal)?;
    // Keep the table small: anything outside the window no longer matters.
    sqlx::query("DELETE FROM login_failures WHERE email = $1 AND at <= $2")
        .bind(email)
        .bind(now - WINDOW_MS)
        .execute(db.pool())
        .await
        .map_err(internal)?;
    Ok(())
}

pub async fn clear(db: &Db, email: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM login_failures WHERE email = $1")
        .bind(email)
        .execute(db.pool())
        .await
        .map_err(internal)?;
    Ok(())
}
