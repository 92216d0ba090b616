//! Sign-in throttling per email address, kept in the database so that every
//! server replica sees the same count. Each attempt is recorded *before* the
//! password is checked, so concurrent guesses are counted too; after
//! `MAX_FAILURES` attempts within `WINDOW_MS`, further attempts are refused
//! (429) until the oldest leaves the window. A successful sign-in clears the
//! email's record.

use crate::backend::db::{internal, now_ms, Db};
use crate::domain::AppError;
use sqlx::Row;

pub const MAX_FAILURES: i64 = 5;
pub const WINDOW_MS: i64 = 15 * 60 * 1000;

/// Proof that an attempt was recorded (and so counted) before the password check.
pub struct Attempt {
    _proof: (),
}

/// Records an attempt, or refuses with `RateLimited` when the email already
/// has `MAX_FAILURES` attempts in the window.
pub async fn begin_attempt(db: &Db, email: &str) -> Result<Attempt, AppError> {
    let now = now_ms();
    sqlx::query("INSERT INTO login_failures (email, at) VALUES ($1, $2)")
        .bind(email)
        .bind(now)
        .execute(db.pool())
        .await
        .map_err(internal)?;
    let row = sqlx::query("SELECT COUNT(*) AS n, MIN(at) AS oldest FROM login_failures WHERE email = $1 AND at > $2")
        .bind(email)
        .bind(now - WINDOW_MS)
        .fetch_one(db.pool())
        .await
        .map_err(internal)?;
    let attempts: i64 = row.try_get("n").map_err(internal)?;
    if attempts <= MAX_FAILURES {
        return Ok(Attempt { _proof: () });
    }
    // Over the limit: this attempt does not count, and is refused.
    sqlx::query("DELETE FROM login_failures WHERE email = $1 AND at = $2")
        .bind(email)
        .bind(now)
        .execute(db.pool())
        .await
        .map_err(internal)?;
    let oldest: Option<i64> = row.try_get("oldest").map_err(internal)?;
    let wait_ms = oldest.map_or(WINDOW_MS, |t| t + WINDOW_MS - now).max(1000);
    Err(AppError::RateLimited { retry_after_secs: (wait_ms as u64).div_ceil(1000) })
}

/// The password was right: forget this email's failures.
pub async fn succeeded(db: &Db, email: &str, _attempt: Attempt) -> Result<(), AppError> {
    sqlx::query("DELETE FROM login_failures WHERE email = $1")
        .bind(email)
        .execute(db.pool())
        .await
        .map_err(internal)?;
    Ok(())
}

/// Drops records older than the window; run periodically.
pub async fn purge_old(db: &Db) -> Result<(), AppError> {
    sqlx::query("DELETE FROM login_failures WHERE at <= $1")
        .bind(now_ms() - WINDOW_MS)
        .execute(db.pool())
        .await
        .map_err(internal)?;
    Ok(())
}
