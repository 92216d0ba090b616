//! Confirming one's own email address with a link sent to it.
//!
//! Sign-up does not wait for it (the API contract answers with a session at
//! once), but an unconfirmed address is only a claim: anyone can sign up
//! with someone else's. So what would let a claimant keep the account from
//! the address's owner needs a confirmed address first: turning on
//! two-factor sign-in (a squatter's second factor would lock the owner out
//! of the account a password reset gives back). A password reset or an
//! emailed member invitation confirms the address too.
//!
//! The link is a signed, stateless token naming the account, a fingerprint
//! of the address and an expiry; sending is limited per account so that an
//! account opened with someone else's address cannot flood its owner.

use crate::backend::auth::session::hex_sha256;
use crate::backend::auth::ClientInfo;
use crate::backend::db::now_ms;
use crate::backend::services::organization::account_emails::{self, AccountEmail, Delivery};
use crate::backend::services::organization::audit::{self, Actor};
use crate::backend::AppState;
use crate::domain::audit::AuditAction;
use crate::domain::AppError;
use serde_json::json;
use sqlx::Row;

/// How long a confirmation link works.
pub const LINK_VALID_MS: i64 = 7 * 24 * 3600 * 1000;
/// Confirmation emails per account per day (the one sign-up sends included).
pub const MAX_SENDS_PER_DAY: i64 = 3;
const DAY_MS: i64 = 24 * 3600 * 1000;

/// Whether the account's address is confirmed.
pub async fn is_confirmed(state: &AppState, user_id: &str) -> Result<bool, AppError> {
    let at: Option<i64> = sqlx::query("SELECT email_verified_at FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(state.db.pool())
        .await?
        .try_get("email_verified_at")?;
    Ok(at.is_some())
}

/// The signed token of a confirmation link for this account and address.
pub fn link_token(state: &AppState, user_id: &str, email: &str, now: i64) -> String {
    state.email_confirmation_links.issue(&format!("{user_id}~{}~{}", now + LINK_VALID_MS, fingerprint(email)))
}

/// A short digest of the address, so that a link stops working if the
/// account's address is ever different from the one it was sent to.
fn fingerprint(email: &str) -> String {
    hex_sha256(email.as_bytes())[..16].to_string()
}

/// Emails a confirmation link to the account's own address. Refused when the
/// address is confirmed already, or after `MAX_SENDS_PER_DAY` sends.
pub async fn send(state: &AppState, user_id: &str, email: &str) -> Result<Delivery, AppError> {
    if is_confirmed(state, user_id).await? {
        return Err(AppError::Conflict {
            code: "email_confirmed".into(),
            message: "this address is confirmed already".into(),
        });
    }
    let now = now_ms();
    let db = &state.db;
    let mut tx = db.begin_write().await?;
    // Locks the user's row (PostgreSQL) so that parallel requests count in turn.
    sqlx::query("UPDATE users SET email_verified_at = email_verified_at WHERE id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    let sent: Vec<i64> = sqlx::query_scalar(
        "SELECT sent_at FROM email_confirmation_sends WHERE user_id = $1 AND sent_at > $2 ORDER BY sent_at",
    )
    .bind(user_id)
    .bind(now - DAY_MS)
    .fetch_all(&mut *tx)
    .await?;
    if sent.len() as i64 >= MAX_SENDS_PER_DAY {
        let oldest = sent.first().copied().unwrap_or(now);
        return Err(AppError::RateLimited { retry_after_secs: ((oldest + DAY_MS - now) / 1000).max(1) as u64 });
    }
    sqlx::query("DELETE FROM email_confirmation_sends WHERE user_id = $1 AND sent_at <= $2")
        .bind(user_id)
        .bind(now - DAY_MS)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO email_confirmation_sends (user_id, sent_at) VALUES ($1, $2)")
        .bind(user_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;

    let link = format!(
        "{}/confirm-email/{}",
        state.config.public_url.as_str().trim_end_matches('/'),
        link_token(state, user_id, email, now)
    );
    let message = AccountEmail {
        subject: "Confirm your email address for Vox".into(),
        paragraphs: vec![
            format!("A Vox account was opened with this address ({email})."),
            "If that was you, confirm the address with the link below (it works for seven days). \
             Two-factor sign-in needs a confirmed address."
                .into(),
        ],
        button: "Confirm my address".into(),
        link,
        footer: "If you did not open this account, someone else used your address: \
                 use \"Forgot your password?\" on the sign-in page to take the account over, or ignore this email."
            .into(),
    };
    account_emails::send(state, email, &message).await
}

/// Sends the first confirmation email of a new account, after the sign-up
/// has answered (a slow mail server never holds it up).
pub fn send_after_sign_up(state: &AppState, user_id: &str, email: &str) {
    let (state, user_id, email) = (state.clone(), user_id.to_string(), email.to_string());
    tokio::spawn(async move {
        if let Err(e) = send(&state, &user_id, &email).await {
            tracing::warn!(error = %e, "the confirmation email of a new account could not be sent");
        }
    });
}

/// Confirms the address a link was sent to. Using a link twice is harmless.
pub async fn confirm(state: &AppState, token: &str, client: &ClientInfo) -> Result<(), AppError> {
    let not_found = || AppError::not_found("email confirmation link (it may have expired)");
    let opened = state.email_confirmation_links.open(token).ok_or_else(not_found)?;
    let mut parts = opened.splitn(3, '~');
    let (Some(user_id), Some(expires), Some(print)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(not_found());
    };
    let now = now_ms();
    if expires.parse::<i64>().map_or(true, |at| at < now) {
        return Err(not_found());
    }
    let email: Option<String> = sqlx::query("SELECT email FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(state.db.pool())
        .await?
        .map(|row| row.try_get("email"))
        .transpose()?;
    let Some(email) = email.filter(|email| fingerprint(email) == print) else {
        return Err(not_found());
    };
    let newly = state
        .db
        .execute_write(
            sqlx::query("UPDATE users SET email_verified_at = $1 WHERE id = $2 AND email_verified_at IS NULL")
                .bind(now)
                .bind(user_id),
        )
        .await?
        .rows_affected()
        == 1;
    if newly {
        let actor = Actor::member(user_id, &client.address);
        audit::record_for_user(&state.db, user_id, &actor, AuditAction::EmailConfirmed, json!({"email": email})).await;
    }
    Ok(())
}
