//! Every check of a secret that a person knows or holds: passwords and
//! second factors (authenticator codes, recovery codes). Each one passes the
//! throttle first (`throttle::begin`); the hashing primitives are private to
//! `auth`, so nothing else in the crate can check a password without it.

use super::password;
use super::throttle::{self, Subject};
use super::totp;
use crate::backend::db::{now_ms, Db};
use crate::backend::secret_box::SecretBox;
use crate::domain::AppError;
use sqlx::Row;

/// Checks `password` against `stored` (`None` for an unknown account, which
/// costs the same time and is throttled alike).
pub async fn check_password(
    db: &Db,
    subject: &Subject,
    stored: Option<String>,
    password_text: String,
) -> Result<bool, AppError> {
    let attempt = throttle::begin(db, subject).await?;
    match password::verify(password_text, stored).await {
        Ok(true) => {
            attempt.succeeded(db).await?;
            Ok(true)
        }
        Ok(false) => Ok(false),
        Err(e) => {
            attempt.abandoned(db).await?;
            Err(e)
        }
    }
}

/// Which second factor a code turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecondFactor {
    Authenticator,
    RecoveryCode,
}

/// Checks an authenticator code (6 digits) or a recovery code for a user
/// with two-factor sign-in on. A code is used up by a successful check.
pub async fn check_second_factor(
    db: &Db,
    secrets: &SecretBox,
    subject: &Subject,
    user_id: &str,
    code: &str,
) -> Result<Option<SecondFactor>, AppError> {
    let attempt = throttle::begin(db, subject).await?;
    let found = match verify_second_factor(db, secrets, user_id, code).await {
        Ok(found) => found,
        Err(e) => {
            attempt.abandoned(db).await?;
            return Err(e);
        }
    };
    if found.is_some() {
        attempt.succeeded(db).await?;
    }
    Ok(found)
}

async fn verify_second_factor(
    db: &Db,
    secrets: &SecretBox,
    user_id: &str,
    code: &str,
) -> Result<Option<SecondFactor>, AppError> {
    let code = code.trim();
    if code.len() > 64 {
        return Ok(None);
    }
    if code.len() == totp::DIGITS as usize && code.bytes().all(|b| b.is_ascii_digit()) {
        let row = sqlx::query("SELECT totp_secret_sealed, totp_last_step FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(db.pool())
            .await?;
        let Some(row) = row else { return Ok(None) };
        let sealed: Option<String> = row.try_get("totp_secret_sealed")?;
        let last: Option<i64> = row.try_get("totp_last_step")?;
        let Some(secret) = sealed.and_then(|s| secrets.open(&s)).and_then(|s| totp::from_base32(&s)) else {
            return Ok(None);
        };
        let Some(step) = totp::matching_step(&secret, code, now_ms() / 1000, last) else { return Ok(None) };
        // Compare-and-set, so the same code cannot pass twice even in parallel.
        let used = db
            .execute_write(
                sqlx::query(
                    "UPDATE users SET totp_last_step = $1 WHERE id = $2 \
                     AND (totp_last_step IS NULL OR totp_last_step < $1)",
                )
                .bind(step)
                .bind(user_id),
            )
            .await?;
        return Ok((used.rows_affected() == 1).then_some(SecondFactor::Authenticator));
    }
    let used = db
        .execute_write(
            sqlx::query(
                "UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
            )
            .bind(now_ms())
            .bind(user_id)
            .bind(recovery_code_hash(code)),
        )
        .await?;
    Ok((used.rows_affected() == 1).then_some(SecondFactor::RecoveryCode))
}

/// Recovery codes are compared without case, spaces or dashes.
pub fn recovery_code_hash(code: &str) -> String {
    let normal: String = code.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect();
    super::session::hex_sha256(normal.as_bytes())
}

/// Hashes a new password (for sign-up, a reset, a change).
pub async fn hash_password(password_text: String) -> Result<String, AppError> {
    password::hash(password_text).await
}
