//! "Forgot password" and "change password".
//!
//! A reset link is a single-use random token sent by email (only its SHA-256
//! is stored), valid for an hour. Asking for one answers the same whether or
//! not the address has an account, in the same time (the work happens after
//! the answer). Using it sets the new password, proves the address, and ends
//! every session of the account; a second factor is still asked at the next
//! sign-in. This is also how the owner of an address takes back an account
//! someone else opened with it: when the reset is the first proof of the
//! address, whatever its unproven holder set up (API tokens, a second factor
//! from before confirmation was required for it) is removed too.

use crate::backend::auth::session::{self, hex_sha256};
use crate::backend::auth::{secrets, throttle, ClientInfo, SessionToken};
use crate::backend::db::now_ms;
use crate::backend::services::organization::account_emails::{self, AccountEmail};
use crate::backend::services::organization::accounts;
use crate::backend::services::organization::audit::{self, Actor};
use crate::backend::services::organization::two_factor;
use crate::backend::AppState;
use crate::domain::account::{check_new_password, normalize_email, ChangePasswordInput, Me, PasswordResetInput};
use crate::domain::audit::AuditAction;
use crate::domain::error::Problems;
use crate::domain::AppError;
use base64::Engine;
use serde_json::json;
use sqlx::Row;

pub const RESET_VALID_MS: i64 = 3600 * 1000;
/// Reset emails per account per hour; more requests are answered alike but send nothing.
pub const MAX_RESETS_PER_HOUR: i64 = 3;

/// Asks for a reset link. Always `Ok`: the answer never tells whether the
/// address has an account.
pub async fn request_reset(state: &AppState, email: &str) -> Result<(), AppError> {
    let email = normalize_email(email);
    if !crate::domain::answers::looks_like_email(&email) {
        return Err(AppError::field("email", "must be an email address"));
    }
    let state = state.clone();
    // After the answer, so that its timing says nothing either.
    tokio::spawn(async move {
        if let Err(e) = send_reset(&state, &email).await {
            tracing::warn!(error = %e, "a password reset email could not be sent");
        }
    });
    Ok(())
}

async fn send_reset(state: &AppState, email: &str) -> Result<(), AppError> {
    let db = &state.db;
    let Some(user) = sqlx::query("SELECT id FROM users WHERE email = $1").bind(email).fetch_optional(db.pool()).await?
    else {
        return Ok(());
    };
    let user_id: String = user.try_get("id")?;
    let now = now_ms();
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>());
    let mut tx = db.begin_write().await?;
    // A no-op update that locks the user's row (PostgreSQL; SQLite's writer
    // is single anyway), so parallel requests count one after another.
    sqlx::query("UPDATE users SET password_changed_at = password_changed_at WHERE id = $1")
        .bind(&user_id)
        .execute(&mut *tx)
        .await?;
    let recent: i64 =
        sqlx::query_scalar("SELECT COUNT(*) AS n FROM password_resets WHERE user_id = $1 AND created_at > $2")
            .bind(&user_id)
            .bind(now - 3600 * 1000)
            .fetch_one(&mut *tx)
            .await?;
    if recent >= MAX_RESETS_PER_HOUR {
        tracing::info!(user = %user_id, "password reset asked for too often; no email sent");
        return Ok(());
    }
    sqlx::query("INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(hex_sha256(token.as_bytes()))
        .bind(&user_id)
        .bind(now)
        .bind(now + RESET_VALID_MS)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    let link = format!("{}/reset-password/{token}", state.config.public_url.as_str().trim_end_matches('/'));
    let message = AccountEmail {
        subject: "Reset your Vox password".into(),
        paragraphs: vec![
            "Someone (hopefully you) asked to reset the password of your Vox account.".into(),
            "The link below works once, for one hour. Setting a new password signs you out everywhere.".into(),
        ],
        button: "Choose a new password".into(),
        link,
        footer: "If you did not ask for this, ignore this email: your password stays as it is.".into(),
    };
    account_emails::send(state, email, &message).await?;
    Ok(())
}

/// Sets a new password with a reset link's token.
pub async fn reset(state: &AppState, input: PasswordResetInput, client: &ClientInfo) -> Result<(), AppError> {
    let mut problems = Problems::default();
    check_new_password(&mut problems, "password", &input.password);
    problems.into_result()?;
    let db = &state.db;
    let token_hash = hex_sha256(input.token.trim().as_bytes());
    let now = now_ms();
    let row = sqlx::query(
        "SELECT r.user_id, u.email, u.email_verified_at FROM password_resets r JOIN users u ON u.id = r.user_id \
         WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > $2",
    )
    .bind(&token_hash)
    .bind(now)
    .fetch_optional(db.pool())
    .await?
    .ok_or_else(|| AppError::not_found("password reset link (it may have expired or been used)"))?;
    let user_id: String = row.try_get("user_id")?;
    let email: String = row.try_get("email")?;
    let first_proof = row.try_get::<Option<i64>, _>("email_verified_at")?.is_none();
    let password_hash = secrets::hash_password(input.password).await?;

    let mut tx = db.begin_write().await?;
    // Used once: the compare-and-set on used_at.
    let claimed = sqlx::query("UPDATE password_resets SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL")
        .bind(now)
        .bind(&token_hash)
        .execute(&mut *tx)
        .await?;
    if claimed.rows_affected() != 1 {
        return Err(AppError::not_found("password reset link (it may have expired or been used)"));
    }
    sqlx::query(
        "UPDATE users SET password_hash = $1, password_changed_at = $2, \
         email_verified_at = COALESCE(email_verified_at, $2) WHERE id = $3",
    )
    .bind(&password_hash)
    .bind(now)
    .bind(&user_id)
    .execute(&mut *tx)
    .await?;
    // Every other link of this account is void now.
    sqlx::query("DELETE FROM password_resets WHERE user_id = $1 AND used_at IS NULL")
        .bind(&user_id)
        .execute(&mut *tx)
        .await?;
    session::end_all_for_user(&mut tx, &user_id, None).await?;
    if first_proof {
        remove_what_an_unproven_holder_set_up(&mut tx, &user_id, now).await?;
    }
    tx.commit().await?;
    if first_proof {
        state.tokens.refresh_now(db).await;
    }
    throttle::clear_account(db, &email).await?;
    let actor = Actor::member(&user_id, &client.address);
    audit::record_for_user(db, &user_id, &actor, AuditAction::PasswordReset, json!({"firstProof": first_proof})).await;
    Ok(())
}

/// Until this reset nobody had proven the address, so its API tokens and a
/// second factor may be a squatter's: they go, and the owner starts afresh.
async fn remove_what_an_unproven_holder_set_up(
    tx: &mut sqlx::AnyConnection,
    user_id: &str,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE created_by = $2 AND revoked_at IS NULL")
        .bind(now)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    two_factor::remove(tx, user_id).await
}

/// Changes the signed-in person's password; their other sessions end.
pub async fn change(
    state: &AppState,
    me: &Me,
    current_session: &SessionToken,
    input: ChangePasswordInput,
    client: &ClientInfo,
) -> Result<(), AppError> {
    let mut problems = Problems::default();
    check_new_password(&mut problems, "newPassword", &input.new_password);
    if input.current_password.is_empty() {
        problems.add("currentPassword", "must not be empty");
    }
    problems.into_result()?;
    let db = &state.db;
    let stored: String = sqlx::query("SELECT password_hash FROM users WHERE id = $1")
        .bind(&me.user_id)
        .fetch_one(db.pool())
        .await?
        .try_get("password_hash")?;
    let subject = accounts::subject(state, &me.email, client);
    if !secrets::check_password(db, &subject, Some(stored), input.current_password).await? {
        return Err(AppError::field("currentPassword", "is not your current password"));
    }
    let password_hash = secrets::hash_password(input.new_password).await?;
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE users SET password_hash = $1, password_changed_at = $2 WHERE id = $3")
        .bind(&password_hash)
        .bind(now_ms())
        .bind(&me.user_id)
        .execute(&mut *tx)
        .await?;
    let ended = session::end_all_for_user(&mut tx, &me.user_id, Some(current_session)).await?;
    tx.commit().await?;
    let actor = Actor::member(&me.user_id, &client.address);
    audit::record_for_user(db, &me.user_id, &actor, AuditAction::PasswordChanged, json!({"otherSessionsEnded": ended}))
        .await;
    Ok(())
}
