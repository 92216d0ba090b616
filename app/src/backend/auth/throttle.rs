//! The one throttle in front of every secret check (passwords, two-factor
//! codes), kept in the database so every replica agrees.
//!
//! Failures are counted three ways, each with delays that double once its
//! free attempts are used up (1 s, 2 s, 4 s … at most 15 minutes between
//! attempts), so a guesser slows down himself rather than locking anyone out:
//! - per **account and client address** (the pair): an attacker at one
//!   address waits longer and longer, while the owner signing in from
//!   another address is not affected at all;
//! - per **client address**, across accounts: password spraying from one
//!   address;
//! - per **account**, by the number of *different addresses* that failed:
//!   a distributed attack. This one is waived for a browser that signed in to
//!   the account before (`device`), so the owner's own browsers still get in.
//!
//! Each attempt is recorded *before* the secret is checked (so parallel
//! guesses count too) and removed if the secret was right. A refused attempt
//! checks nothing and is not counted: while a delay runs, even the right
//! password is refused for that pair.

use crate::backend::db::{now_ms, Db};
use crate::domain::AppError;
use sqlx::Row;

/// Failures older than this no longer count (and are purged).
pub const WINDOW_MS: i64 = 24 * 3600 * 1000;
/// Attempts per account and address before delays start.
pub const FREE_PER_PAIR: i64 = 5;
/// Failures from one address (any accounts) within `ADDRESS_WINDOW_MS` before delays start.
pub const FREE_PER_ADDRESS: i64 = 30;
pub const ADDRESS_WINDOW_MS: i64 = 3600 * 1000;
/// Different failing addresses per account before untrusted browsers wait.
pub const FREE_ADDRESSES_PER_ACCOUNT: i64 = 10;
/// The longest wait between two attempts.
pub const MAX_DELAY_MS: i64 = 15 * 60 * 1000;

/// What a secret check is about: whose secret, from where.
#[derive(Clone, Debug)]
pub struct Subject {
    /// The account's (normalised) email; unknown emails are throttled alike.
    pub email: String,
    /// The client address, as `ClientInfo::address`.
    pub address: String,
    /// The browser signed in to this account before (device cookie).
    pub trusted_device: bool,
}

/// Proof that an attempt was recorded (and so counted) before the check.
pub struct Attempt {
    id: String,
    email: String,
    address: String,
}

/// How long to wait after `failures` failures of which `free` cost nothing.
pub fn delay_ms(failures: i64, free: i64) -> i64 {
    if failures < free {
        return 0;
    }
    let doublings = (failures - free).min(20) as u32;
    (1000_i64 << doublings).min(MAX_DELAY_MS)
}

/// Records an attempt, or refuses it (`RateLimited` with the wait) while a
/// delay is running for the pair, the address or (untrusted) the account.
pub async fn begin(db: &Db, subject: &Subject) -> Result<Attempt, AppError> {
    let now = now_ms();
    let id = format!("af_{:032x}", rand::random::<u128>());
    db.execute_write(
        sqlx::query("INSERT INTO auth_failures (id, email, address, at) VALUES ($1, $2, $3, $4)")
            .bind(&id)
            .bind(&subject.email)
            .bind(&subject.address)
            .bind(now),
    )
    .await?;

    let pair = sqlx::query(
        "SELECT COUNT(*) AS n, MAX(at) AS last FROM auth_failures \
         WHERE email = $1 AND address = $2 AND at > $3 AND id <> $4",
    )
    .bind(&subject.email)
    .bind(&subject.address)
    .bind(now - WINDOW_MS)
    .bind(&id)
    .fetch_one(db.pool())
    .await?;
    let mut wait = wait_ms(&pair, FREE_PER_PAIR, now)?;

    let address = sqlx::query(
        "SELECT COUNT(*) AS n, MAX(at) AS last FROM auth_failures WHERE address = $1 AND at > $2 AND id <> $3",
    )
    .bind(&subject.address)
    .bind(now - ADDRESS_WINDOW_MS)
    .bind(&id)
    .fetch_one(db.pool())
    .await?;
    wait = wait.max(wait_ms(&address, FREE_PER_ADDRESS, now)?);

    if !subject.trusted_device {
        let account = sqlx::query(
            "SELECT COUNT(DISTINCT address) AS n, MAX(at) AS last FROM auth_failures \
             WHERE email = $1 AND at > $2 AND id <> $3",
        )
        .bind(&subject.email)
        .bind(now - WINDOW_MS)
        .bind(&id)
        .fetch_one(db.pool())
        .await?;
        wait = wait.max(wait_ms(&account, FREE_ADDRESSES_PER_ACCOUNT, now)?);
    }

    if wait > 0 {
        // Refused: this attempt checks nothing, so it does not count.
        forget(db, &id).await?;
        return Err(AppError::RateLimited { retry_after_secs: (wait as u64).div_ceil(1000) });
    }
    Ok(Attempt { id, email: subject.email.clone(), address: subject.address.clone() })
}

fn wait_ms(row: &sqlx::any::AnyRow, free: i64, now: i64) -> Result<i64, AppError> {
    let count: i64 = row.try_get("n")?;
    let last: Option<i64> = row.try_get("last")?;
    Ok(last.map_or(0, |last| (last + delay_ms(count, free) - now).max(0)))
}

async fn forget(db: &Db, id: &str) -> Result<(), AppError> {
    db.execute_write(sqlx::query("DELETE FROM auth_failures WHERE id = $1").bind(id)).await?;
    Ok(())
}

impl Attempt {
    /// The secret was right: this attempt is no failure, and the pair starts
    /// afresh. (Failures other addresses caused still count for the account.)
    pub async fn succeeded(self, db: &Db) -> Result<(), AppError> {
        db.execute_write(
            sqlx::query("DELETE FROM auth_failures WHERE id = $1 OR (email = $2 AND address = $3)")
                .bind(&self.id)
                .bind(&self.email)
                .bind(&self.address),
        )
        .await?;
        Ok(())
    }

    /// The check could not be made (our fault, not a guess): not counted.
    pub async fn abandoned(self, db: &Db) -> Result<(), AppError> {
        forget(db, &self.id).await
    }
}

/// After a password reset the owner starts afresh everywhere.
pub async fn clear_account(db: &Db, email: &str) -> Result<(), AppError> {
    db.execute_write(sqlx::query("DELETE FROM auth_failures WHERE email = $1").bind(email)).await?;
    Ok(())
}

/// Drops records older than the window; run periodically.
pub async fn purge_old(db: &Db) -> Result<(), AppError> {
    db.execute_write(sqlx::query("DELETE FROM auth_failures WHERE at <= $1").bind(now_ms() - WINDOW_MS)).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_after_the_free_attempts_and_stop_growing() {
        assert_eq!(delay_ms(0, 5), 0);
        assert_eq!(delay_ms(4, 5), 0);
        assert_eq!(delay_ms(5, 5), 1000);
        assert_eq!(delay_ms(6, 5), 2000);
        assert_eq!(delay_ms(9, 5), 16_000);
        assert_eq!(delay_ms(15, 5), MAX_DELAY_MS);
        assert_eq!(delay_ms(10_000, 5), MAX_DELAY_MS);
    }
}
