//! The daily invitation quota: an organisation without a mail server of
//! its own sends through the operator's (`VOX_SMTP_URL`), whose reputation
//! is everyone's. So it may create at most `VOX_MAIL_DAILY_QUOTA`
//! invitations in any 24 hours (or what the operator set for it with
//! `vox mail-quota`). An organisation with its own server, or an instance
//! without one (the outbox sends nothing), has no quota.

use crate::backend::db::now_ms;
use crate::backend::AppState;
use crate::domain::smtp::MailQuota;
use crate::domain::AppError;
use sqlx::Row;

const DAY_MS: i64 = 24 * 3600 * 1000;

/// The organisation's limit now, if one applies.
async fn limit(state: &AppState, conn: &mut sqlx::AnyConnection, org_id: &str) -> Result<Option<i64>, AppError> {
    if !state.mailers.operator_sends() {
        return Ok(None);
    }
    let row = sqlx::query(
        "SELECT o.mail_daily_quota, (SELECT COUNT(*) FROM organization_smtp s WHERE s.organization_id = o.id) AS own \
         FROM organizations o WHERE o.id = $1",
    )
    .bind(org_id)
    .fetch_one(&mut *conn)
    .await?;
    if row.try_get::<i64, _>("own")? > 0 {
        return Ok(None);
    }
    let own_quota: Option<i64> = row.try_get("mail_daily_quota")?;
    Ok(match own_quota {
        Some(n) => Some(n.max(0)),
        None if state.config.mail_daily_quota == 0 => None,
        None => Some(state.config.mail_daily_quota as i64),
    })
}

async fn used(conn: &mut sqlx::AnyConnection, org_id: &str, since: i64) -> Result<(i64, Option<i64>), AppError> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM invitations WHERE organization_id = $1 AND created_at > $2",
    )
    .bind(org_id)
    .bind(since)
    .fetch_one(&mut *conn)
    .await?;
    Ok((row.try_get("n")?, row.try_get("oldest")?))
}

/// Refuses (`QuotaExceeded`, naming `mail_daily`) when `adding` more
/// invitations (not written yet) would go over the limit. Runs in the
/// transaction that adds them; invitations it already wrote count as used.
pub async fn check(
    state: &AppState,
    conn: &mut sqlx::AnyConnection,
    org_id: &str,
    adding: i64,
) -> Result<(), AppError> {
    let Some(limit) = limit(state, conn, org_id).await? else { return Ok(()) };
    let now = now_ms();
    let (used, oldest) = used(conn, org_id, now - DAY_MS).await?;
    if used + adding <= limit {
        return Ok(());
    }
    let retry_after_ms = oldest.map_or(DAY_MS, |t| t + DAY_MS - now).max(1000);
    Err(AppError::QuotaExceeded {
        quota: "mail_daily".into(),
        message: format!(
            "the organisation's daily quota of {limit} invitations through this server's mail server would be \
             exceeded ({} in 24 hours). Set up your own mail server in Settings → Email, or ask the operator for a \
             larger quota",
            used + adding
        ),
        retry_after_secs: (retry_after_ms as u64).div_ceil(1000),
    })
}

/// The quota and its use, for the dashboard and the API.
pub async fn usage(state: &AppState, org_id: &str) -> Result<MailQuota, AppError> {
    let mut conn = state.db.pool().acquire().await?;
    let limit = limit(state, &mut conn, org_id).await?;
    let (used, _) = used(&mut conn, org_id, now_ms() - DAY_MS).await?;
    Ok(MailQuota { limit, used })
}

/// The operator sets an organisation's own quota (`None`: the default again).
pub async fn set_for_organization(
    db: &crate::backend::db::Db,
    org_id: &str,
    quota: Option<i64>,
) -> Result<bool, AppError> {
    let done = db
        .execute_write(
            sqlx::query("UPDATE organizations SET mail_daily_quota = $1 WHERE id = $2").bind(quota).bind(org_id),
        )
        .await?;
    Ok(done.rows_affected() == 1)
}
