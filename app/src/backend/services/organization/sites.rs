//! The organisation's allowed sites: origins that may show any of its
//! surveys (embedded, or answering from that page), on top of each survey's
//! own list. One list to keep instead of repeating the shop on every survey.

use crate::backend::db::{json_column, Db};
use crate::backend::services::organization::audit;
use crate::backend::services::surveys;
use crate::domain::embed::{normalize_origin, validate_origins};
use crate::domain::error::Problems;
use crate::domain::AppError;

pub async fn get(db: &Db, org_id: &str) -> Result<Vec<String>, AppError> {
    let row =
        sqlx::query("SELECT embed_origins FROM organizations WHERE id = $1").bind(org_id).fetch_one(db.pool()).await?;
    json_column(&row, "embed_origins")
}

/// Replaces the list; entries are stored as browsers send them (lower case,
/// no trailing slash), once each. Every bad entry is named (`allowedOrigins[i]`).
pub async fn set(db: &Db, org_id: &str, actor: &audit::Actor, sites: &[String]) -> Result<Vec<String>, AppError> {
    let mut problems = Problems::default();
    validate_origins(sites, "allowedOrigins", &mut problems);
    problems.into_result()?;
    let mut normalized: Vec<String> = Vec::with_capacity(sites.len());
    for site in sites.iter().filter_map(|s| normalize_origin(s)) {
        if !normalized.contains(&site) {
            normalized.push(site);
        }
    }
    let text = serde_json::to_string(&normalized)?;
    db.execute_write(sqlx::query("UPDATE organizations SET embed_origins = $1 WHERE id = $2").bind(text).bind(org_id))
        .await?;
    // Every survey's definition includes these sites.
    surveys::organization_changed(db, org_id);
    audit::record(
        db,
        org_id,
        actor,
        crate::domain::audit::AuditAction::SettingsChanged,
        audit::target("settings", "embed"),
        serde_json::json!({"setting": "embed", "allowedOrigins": normalized}),
    )
    .await;
    Ok(normalized)
}
