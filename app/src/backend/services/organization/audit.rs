//! The audit log: every security-relevant action, appended with who did it,
//! from where, and what it was about. Nothing in Vox updates or deletes an
//! entry except retention (each organisation's `audit_retention_days`).
//!
//! An entry is written after the change it records has committed (or in its
//! transaction, where the change has one). A failure to write it is logged
//! loudly but does not undo the change the person already made.

use crate::backend::db::{internal, json_column, new_id, now_ms, to_datetime, Db};
use crate::domain::audit::{AuditAction, AuditEntry, AuditFilter, MAX_AUDIT_RETENTION_DAYS, MIN_AUDIT_RETENTION_DAYS};
use crate::domain::ids::IdKind;
use crate::domain::page::{PageRequest, Paginated};
use crate::domain::AppError;
use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::Row;

/// Who acted: a member (with a session or one of their API tokens), or
/// someone not signed in (a failed sign-in).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<String>,
    pub token_id: Option<String>,
    pub address: Option<String>,
}

impl Actor {
    /// A member in the dashboard.
    pub fn member(user_id: &str, address: &str) -> Actor {
        Actor { user_id: Some(user_id.into()), token_id: None, address: Some(address.into()) }
    }

    /// A member's API token.
    pub fn token(user_id: &str, token_id: &str, address: &str) -> Actor {
        Actor { user_id: Some(user_id.into()), token_id: Some(token_id.into()), address: Some(address.into()) }
    }
}

/// What an action was about.
#[derive(Clone, Copy, Debug)]
pub struct Target<'a> {
    pub kind: &'a str,
    pub id: &'a str,
}

pub fn target<'a>(kind: &'a str, id: &'a str) -> Option<Target<'a>> {
    Some(Target { kind, id })
}

const INSERT: &str = "INSERT INTO audit_log (id, organization_id, at, actor_user_id, actor_email, actor_token_id, \
    address, action, target_type, target_id, details) \
    VALUES ($1, $2, $3, $4, (SELECT email FROM users WHERE id = $4), $5, $6, $7, $8, $9, $10)";

/// Appends an entry inside the caller's transaction.
pub async fn record_in(
    tx: &mut sqlx::AnyConnection,
    org_id: &str,
    actor: &Actor,
    action: AuditAction,
    target: Option<Target<'_>>,
    details: Value,
) -> Result<(), AppError> {
    sqlx::query(INSERT)
        .bind(new_id(IdKind::AuditEntry))
        .bind(org_id)
        .bind(now_ms())
        .bind(actor.user_id.clone())
        .bind(actor.token_id.clone())
        .bind(actor.address.clone())
        .bind(action.as_str())
        .bind(target.map(|t| t.kind.to_string()))
        .bind(target.map(|t| t.id.to_string()))
        .bind(details.to_string())
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Appends an entry after the change it records has committed.
pub async fn record(
    db: &Db,
    org_id: &str,
    actor: &Actor,
    action: AuditAction,
    target: Option<Target<'_>>,
    details: Value,
) {
    let written: Result<(), AppError> = async {
        let mut tx = db.begin_write().await?;
        record_in(&mut tx, org_id, actor, action, target, details).await?;
        Ok(tx.commit().await?)
    }
    .await;
    if let Err(e) = written {
        tracing::error!(error = %e, action = action.as_str(), org = org_id, "could not write an audit log entry");
    }
}

/// The same entry in every organisation the user belongs to (things that
/// happen to an account, such as a failed sign-in or a new password).
pub async fn record_for_user(db: &Db, user_id: &str, actor: &Actor, action: AuditAction, details: Value) {
    let orgs = sqlx::query("SELECT organization_id FROM memberships WHERE user_id = $1")
        .bind(user_id)
        .fetch_all(db.pool())
        .await;
    match orgs {
        Ok(rows) => {
            for row in rows {
                if let Ok(org_id) = row.try_get::<String, _>("organization_id") {
                    record(db, &org_id, actor, action, target("user", user_id), details.clone()).await;
                }
            }
        }
        Err(e) => tracing::error!(error = %e, action = action.as_str(), "could not write audit log entries"),
    }
}

fn from_row(row: &AnyRow) -> Result<AuditEntry, AppError> {
    let action: String = row.try_get("action")?;
    Ok(AuditEntry {
        id: row.try_get("id")?,
        at: to_datetime(row.try_get("at")?),
        action: AuditAction::parse(&action).ok_or_else(|| internal(format!("unknown audit action {action}")))?,
        actor_user_id: row.try_get("actor_user_id")?,
        actor_email: row.try_get("actor_email")?,
        actor_token_id: row.try_get("actor_token_id")?,
        address: row.try_get("address")?,
        target_type: row.try_get("target_type")?,
        target_id: row.try_get("target_id")?,
        details: json_column(row, "details")?,
    })
}

/// Entries, newest first.
pub async fn list(
    db: &Db,
    org_id: &str,
    filter: &AuditFilter,
    page: PageRequest,
) -> Result<Paginated<AuditEntry>, AppError> {
    let actor = filter.actor.as_deref().map(|a| a.trim().to_lowercase()).filter(|a| !a.is_empty());
    let condition = "organization_id = $1 AND ($2 IS NULL OR action = $2) \
        AND ($3 IS NULL OR actor_user_id = $3 OR LOWER(actor_email) = $3) \
        AND ($4 IS NULL OR at >= $4) AND ($5 IS NULL OR at < $5)";
    let action = filter.action.map(|a| a.as_str());
    let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) AS n FROM audit_log WHERE {condition}"))
        .bind(org_id)
        .bind(action)
        .bind(actor.clone())
        .bind(filter.from_ms)
        .bind(filter.to_ms)
        .fetch_one(db.pool())
        .await?;
    let rows =
        sqlx::query(&format!("SELECT * FROM audit_log WHERE {condition} ORDER BY at DESC, id DESC LIMIT $6 OFFSET $7"))
            .bind(org_id)
            .bind(action)
            .bind(actor)
            .bind(filter.from_ms)
            .bind(filter.to_ms)
            .bind(i64::from(page.per_page))
            .bind(page.offset())
            .fetch_all(db.pool())
            .await?;
    let data = rows.iter().map(from_row).collect::<Result<_, _>>()?;
    Ok(Paginated::new(data, page, total))
}

/// How many days the organisation keeps its audit log.
pub async fn retention_days(db: &Db, org_id: &str) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar("SELECT audit_retention_days FROM organizations WHERE id = $1")
        .bind(org_id)
        .fetch_one(db.pool())
        .await?)
}

/// Sets the retention (30 to 3,650 days); itself an audited change.
pub async fn set_retention_days(db: &Db, org_id: &str, actor: &Actor, days: i64) -> Result<i64, AppError> {
    if !(MIN_AUDIT_RETENTION_DAYS..=MAX_AUDIT_RETENTION_DAYS).contains(&days) {
        return Err(AppError::field(
            "retentionDays",
            format!("from {MIN_AUDIT_RETENTION_DAYS} to {MAX_AUDIT_RETENTION_DAYS} days"),
        ));
    }
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE organizations SET audit_retention_days = $1 WHERE id = $2")
        .bind(days)
        .bind(org_id)
        .execute(&mut *tx)
        .await?;
    record_in(
        &mut tx,
        org_id,
        actor,
        AuditAction::SettingsChanged,
        target("settings", "audit"),
        serde_json::json!({"setting": "audit", "retentionDays": days}),
    )
    .await?;
    tx.commit().await?;
    Ok(days)
}

/// Deletes entries past each organisation's retention; run by housekeeping.
pub async fn purge(db: &Db) -> Result<u64, AppError> {
    let done = db
        .execute_write(
            sqlx::query(
                "DELETE FROM audit_log WHERE at < $1 - (SELECT o.audit_retention_days FROM organizations o \
                 WHERE o.id = audit_log.organization_id) * 86400000",
            )
            .bind(now_ms()),
        )
        .await?;
    Ok(done.rows_affected())
}
