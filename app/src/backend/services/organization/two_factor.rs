//! Two-factor sign-in with an authenticator app (TOTP, RFC 6238) and
//! recovery codes, for any account; owners may require it of every member.
//!
//! Setting it up is two steps: a new secret is kept aside (sealed) until a
//! first code from the app proves it was scanned; only then is it switched on
//! and ten recovery codes are shown, once (only their hashes are stored).
//! Turning it off, or making new recovery codes, asks for the password.

use crate::backend::auth::secrets::{self, recovery_code_hash};
use crate::backend::auth::{throttle, totp, ClientInfo};
use crate::backend::db::{internal, now_ms, Db};
use crate::backend::services::organization::accounts;
use crate::backend::services::organization::audit::{self, Actor};
use crate::backend::AppState;
use crate::domain::account::{Me, RecoveryCodes, Role, SecuritySettings, TwoFactorSetup, TwoFactorStatus};
use crate::domain::audit::AuditAction;
use crate::domain::AppError;
use base64::Engine;
use serde_json::json;
use sqlx::Row;

pub const RECOVERY_CODES: usize = 10;
const ISSUER: &str = "Vox";

pub async fn status(db: &Db, user_id: &str) -> Result<TwoFactorStatus, AppError> {
    let user = sqlx::query("SELECT totp_enabled_at, email_verified_at FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(db.pool())
        .await?;
    let enabled: Option<i64> = user.try_get("totp_enabled_at")?;
    let email_confirmed: Option<i64> = user.try_get("email_verified_at")?;
    let left: i64 =
        sqlx::query_scalar("SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL")
            .bind(user_id)
            .fetch_one(db.pool())
            .await?;
    let required_by = sqlx::query_scalar(
        "SELECT o.name FROM memberships m JOIN organizations o ON o.id = m.organization_id \
         WHERE m.user_id = $1 AND o.require_two_factor = 1 ORDER BY o.name",
    )
    .bind(user_id)
    .fetch_all(db.pool())
    .await?;
    Ok(TwoFactorStatus {
        enabled: enabled.is_some(),
        email_confirmed: email_confirmed.is_some(),
        recovery_codes_left: left,
        required_by,
    })
}

/// A new secret for the authenticator app, kept aside until `enable`. Only
/// for a confirmed address: a second factor chosen by someone who merely
/// claimed the address would lock its owner out of the account that a
/// password reset gives back.
pub async fn begin_setup(state: &AppState, me: &Me) -> Result<TwoFactorSetup, AppError> {
    let current = status(&state.db, &me.user_id).await?;
    if current.enabled {
        return Err(AppError::Conflict {
            code: "two_factor_enabled".into(),
            message: "two-factor sign-in is already on; turn it off first to use another app".into(),
        });
    }
    if !current.email_confirmed {
        return Err(AppError::Conflict {
            code: "email_unconfirmed".into(),
            message: format!(
                "confirm your email address first: open the link sent to {} (your profile can send a new one)",
                me.email
            ),
        });
    }
    let secret = totp::generate_secret();
    let encoded = totp::base32(&secret);
    state
        .db
        .execute_write(
            sqlx::query("UPDATE users SET totp_pending_sealed = $1 WHERE id = $2")
                .bind(state.secrets.seal(&encoded))
                .bind(&me.user_id),
        )
        .await?;
    let otpauth_url = totp::otpauth_url(ISSUER, &me.email, &secret);
    let svg = qrcode::QrCode::new(otpauth_url.as_bytes())
        .map_err(internal)?
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    let qr_image =
        format!("data:image/svg+xml;base64,{}", base64::engine::general_purpose::STANDARD.encode(svg.as_bytes()));
    Ok(TwoFactorSetup { secret: encoded, otpauth_url, qr_image })
}

/// Switches two-factor sign-in on with a first code from the app; returns
/// the recovery codes, shown this once.
pub async fn enable(state: &AppState, me: &Me, code: &str, client: &ClientInfo) -> Result<RecoveryCodes, AppError> {
    let db = &state.db;
    let sealed: Option<String> = sqlx::query("SELECT totp_pending_sealed FROM users WHERE id = $1")
        .bind(&me.user_id)
        .fetch_one(db.pool())
        .await?
        .try_get("totp_pending_sealed")?;
    let Some(secret) = sealed.as_deref().and_then(|s| state.secrets.open(s)).and_then(|s| totp::from_base32(&s)) else {
        return Err(AppError::Conflict {
            code: "no_setup".into(),
            message: "start the set-up first (a new secret and QR code)".into(),
        });
    };
    // A guess at the first code is a guess like any other.
    let attempt = throttle::begin(db, &accounts::subject(state, &me.email, client)).await?;
    let Some(step) = totp::matching_step(&secret, code, now_ms() / 1000, None) else {
        return Err(AppError::field("code", "that is not the code the app shows now"));
    };
    attempt.succeeded(db).await?;
    let codes = new_recovery_codes();
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "UPDATE users SET totp_secret_sealed = totp_pending_sealed, totp_pending_sealed = NULL, \
         totp_enabled_at = $1, totp_last_step = $2 WHERE id = $3 AND totp_pending_sealed = $4",
    )
    .bind(now_ms())
    .bind(step)
    .bind(&me.user_id)
    .bind(sealed.as_deref())
    .execute(&mut *tx)
    .await?;
    store_recovery_codes(&mut tx, &me.user_id, &codes).await?;
    tx.commit().await?;
    state.tokens.refresh_now(&state.db).await;
    let actor = Actor::member(&me.user_id, &client.address);
    audit::record_for_user(db, &me.user_id, &actor, AuditAction::TwoFactorEnabled, json!({})).await;
    Ok(RecoveryCodes { recovery_codes: codes })
}

/// Turns two-factor sign-in off (the password proves it is the owner). Not
/// while an organisation of theirs requires it.
pub async fn disable(state: &AppState, me: &Me, password: String, client: &ClientInfo) -> Result<(), AppError> {
    check_password(state, me, password, client).await?;
    let required = status(&state.db, &me.user_id).await?.required_by;
    if !required.is_empty() {
        return Err(AppError::Conflict {
            code: "two_factor_required".into(),
            message: format!("{} requires two-factor sign-in of its members", required.join(", ")),
        });
    }
    let mut tx = state.db.begin_write().await?;
    remove(&mut tx, &me.user_id).await?;
    tx.commit().await?;
    let actor = Actor::member(&me.user_id, &client.address);
    audit::record_for_user(&state.db, &me.user_id, &actor, AuditAction::TwoFactorDisabled, json!({})).await;
    Ok(())
}

/// Removes the account's second factor and recovery codes, inside `tx`.
pub(super) async fn remove(tx: &mut sqlx::AnyConnection, user_id: &str) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE users SET totp_secret_sealed = NULL, totp_pending_sealed = NULL, totp_enabled_at = NULL, \
         totp_last_step = NULL WHERE id = $1",
    )
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
    Ok(())
}

/// New recovery codes (the old ones stop working).
pub async fn regenerate_recovery_codes(
    state: &AppState,
    me: &Me,
    password: String,
    client: &ClientInfo,
) -> Result<RecoveryCodes, AppError> {
    check_password(state, me, password, client).await?;
    if !status(&state.db, &me.user_id).await?.enabled {
        return Err(AppError::Conflict {
            code: "two_factor_disabled".into(),
            message: "two-factor sign-in is off; recovery codes come with turning it on".into(),
        });
    }
    let codes = new_recovery_codes();
    let mut tx = state.db.begin_write().await?;
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(&me.user_id).execute(&mut *tx).await?;
    store_recovery_codes(&mut tx, &me.user_id, &codes).await?;
    tx.commit().await?;
    let actor = Actor::member(&me.user_id, &client.address);
    audit::record_for_user(&state.db, &me.user_id, &actor, AuditAction::RecoveryCodesRegenerated, json!({})).await;
    Ok(RecoveryCodes { recovery_codes: codes })
}

async fn check_password(state: &AppState, me: &Me, password: String, client: &ClientInfo) -> Result<(), AppError> {
    let stored: String = sqlx::query("SELECT password_hash FROM users WHERE id = $1")
        .bind(&me.user_id)
        .fetch_one(state.db.pool())
        .await?
        .try_get("password_hash")?;
    let subject = accounts::subject(state, &me.email, client);
    if !secrets::check_password(&state.db, &subject, Some(stored), password).await? {
        return Err(AppError::field("password", "is not your password"));
    }
    Ok(())
}

/// Ten codes of ten characters (50 bits each), shown as `abcde-fghjk`.
fn new_recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    (0..RECOVERY_CODES)
        .map(|_| {
            let chars: String = (0..10).map(|_| ALPHABET[rand::random::<usize>() % ALPHABET.len()] as char).collect();
            format!("{}-{}", &chars[..5], &chars[5..])
        })
        .collect()
}

async fn store_recovery_codes(tx: &mut sqlx::AnyConnection, user_id: &str, codes: &[String]) -> Result<(), AppError> {
    for code in codes {
        sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
            .bind(user_id)
            .bind(recovery_code_hash(code))
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

pub async fn security_settings(db: &Db, org_id: &str) -> Result<SecuritySettings, AppError> {
    let required: i64 = sqlx::query("SELECT require_two_factor FROM organizations WHERE id = $1")
        .bind(org_id)
        .fetch_one(db.pool())
        .await?
        .try_get("require_two_factor")?;
    Ok(SecuritySettings { require_two_factor: required != 0 })
}

/// Owners require (or stop requiring) two-factor sign-in of every member.
/// Members without it are then sent to set it up, and their API tokens stop
/// working until they have.
pub async fn set_security_settings(
    state: &AppState,
    org_id: &str,
    user_id: &str,
    role: Role,
    actor: &Actor,
    settings: &SecuritySettings,
) -> Result<SecuritySettings, AppError> {
    if role != Role::Owner {
        return Err(AppError::Forbidden { message: "only owners change the organisation's security policy".into() });
    }
    if settings.require_two_factor && !status(&state.db, user_id).await?.enabled {
        return Err(AppError::field(
            "requireTwoFactor",
            "turn on two-factor sign-in for yourself first (Profile), or you would be locked out",
        ));
    }
    let mut tx = state.db.begin_write().await?;
    sqlx::query("UPDATE organizations SET require_two_factor = $1 WHERE id = $2")
        .bind(i64::from(settings.require_two_factor))
        .bind(org_id)
        .execute(&mut *tx)
        .await?;
    audit::record_in(
        &mut tx,
        org_id,
        actor,
        AuditAction::SettingsChanged,
        audit::target("settings", "security"),
        json!({"setting": "security", "requireTwoFactor": settings.require_two_factor}),
    )
    .await?;
    tx.commit().await?;
    state.tokens.refresh_now(&state.db).await;
    security_settings(&state.db, org_id).await
}
