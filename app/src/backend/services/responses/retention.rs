//! Data retention: an organisation may keep responses for a limited number
//! of days; older ones (with their answer, metadata rows and webhook copies)
//! are deleted by the hourly housekeeping on any replica.

use crate::backend::db::{now_ms, Db};
use crate::backend::services::organization::audit;
use crate::backend::services::responses::overview_days;
use crate::domain::AppError;
use sqlx::Row;

/// At most ten years; at least one day.
pub const MAX_RETENTION_DAYS: i64 = 3_650;

pub async fn get(db: &Db, org_id: &str) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar("SELECT retention_days FROM organizations WHERE id = $1")
        .bind(org_id)
        .fetch_one(db.pool())
        .await?)
}

/// `None` keeps responses for ever.
pub async fn set(db: &Db, org_id: &str, actor: &audit::Actor, days: Option<i64>) -> Result<Option<i64>, AppError> {
    if let Some(days) = days {
        if !(1..=MAX_RETENTION_DAYS).contains(&days) {
            return Err(AppError::field(
                "retentionDays",
                format!("1 to {MAX_RETENTION_DAYS} days, or none to keep everything"),
            ));
        }
    }
    db.execute_write(sqlx::query("UPDATE organizations SET retention_days = $1 WHERE id = $2").bind(days).bind(org_id))
        .await?;
    audit::record(
        db,
        org_id,
        actor,
        crate::domain::audit::AuditAction::SettingsChanged,
        audit::target("settings", "retention"),
        serde_json::json!({"setting": "retention", "retentionDays": days}),
    )
    .await;
    Ok(days)
}

/// Deletes responses past their organisation's retention, a batch at a time; returns how many.
pub async fn purge(db: &Db) -> Result<u64, AppError> {
    let orgs = sqlx::query("SELECT id, retention_days FROM organizations WHERE retention_days IS NOT NULL")
        .fetch_all(db.pool())
        .await?;
    let mut purged = 0;
    for org in orgs {
        let org_id: String = org.try_get("id")?;
        let days: i64 = org.try_get("retention_days")?;
        let cutoff = now_ms() - days * 86_400_000;
        loop {
            let mut tx = db.begin_write().await?;
            let doomed: Vec<(String, String, i64)> = sqlx::query(
                "SELECT id, survey_id, created_at FROM responses WHERE organization_id = $1 AND created_at < $2 LIMIT 500",
            )
            .bind(&org_id)
            .bind(cutoff)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| {
                Ok((
                    r.try_get("id")?,
                    r.try_get("survey_id")?,
                    r.try_get("created_at")?,
                ))
            })
            .collect::<Result<_, AppError>>()?;
            if doomed.is_empty() {
                break;
            }
            // Each (survey, day) losing responses once: its cached overview no longer holds.
            let mut changed_days = std::collections::BTreeMap::new();
            for (_, survey_id, created_at) in &doomed {
                changed_days.insert((survey_id.as_str(), overview_days::day_of(*created_at)), *created_at);
            }
            for ((survey_id, _), created_at) in changed_days {
                overview_days::day_changed(&mut tx, survey_id, created_at).await?;
            }
            for (id, _, _) in &doomed {
                sqlx::query("UPDATE webhook_deliveries SET payload = '{\"redacted\":true}' WHERE subject_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM responses WHERE id = $1").bind(id).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            purged += doomed.len() as u64;
        }
    }
    Ok(purged)
}
