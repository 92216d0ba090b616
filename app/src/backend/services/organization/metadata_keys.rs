//! The organisation's metadata rules (declared keys, strict mode, what
//! anonymizing means) and applying them to metadata arriving with responses.

use crate::backend::db::{internal, now_ms, Db};
use crate::backend::services::organization::audit;
use crate::domain::error::Problems;
use crate::domain::metadata_keys::{AnonymizeMode, MetadataKey, MetadataPolicy, MetadataType, MAX_DECLARED_KEYS};
use crate::domain::AppError;
use sqlx::Row;

/// The organisation's rules. They are read for every response that carries
/// metadata, so this process keeps a copy for a moment (see `read_cache`).
pub async fn policy(db: &Db, org_id: &str) -> Result<MetadataPolicy, AppError> {
    if let Some(policy) = db.caches().metadata_policies.get(org_id) {
        return Ok(policy);
    }
    let read_at = std::time::Instant::now();
    let policy = load_policy(db, org_id).await?;
    db.caches().metadata_policies.put(org_id.to_string(), policy.clone(), read_at);
    Ok(policy)
}

async fn load_policy(db: &Db, org_id: &str) -> Result<MetadataPolicy, AppError> {
    // One round trip.
    let rows = sqlx::query(
        "SELECT o.strict_metadata, o.anonymize_mode, k.key, k.kind, k.anonymize FROM organizations o \
         LEFT JOIN metadata_keys k ON k.organization_id = o.id WHERE o.id = $1 ORDER BY k.key",
    )
    .bind(org_id)
    .fetch_all(db.pool())
    .await?;
    let first = rows.first().ok_or_else(|| AppError::not_found("organization"))?;
    let mode: String = first.try_get("anonymize_mode")?;
    let strict = first.try_get::<i64, _>("strict_metadata")? != 0;
    let mut keys = Vec::with_capacity(rows.len());
    for row in &rows {
        let Some(key) = row.try_get::<Option<String>, _>("key")? else { continue };
        let kind: String = row.try_get("kind")?;
        keys.push(MetadataKey {
            key,
            kind: MetadataType::parse(&kind).ok_or_else(|| internal(format!("bad metadata type {kind}")))?,
            anonymize: row.try_get::<i64, _>("anonymize")? != 0,
        });
    }
    Ok(MetadataPolicy {
        keys,
        strict,
        anonymize_mode: if mode == "drop" { AnonymizeMode::Drop } else { AnonymizeMode::Hash },
    })
}

/// Replaces the organisation's rules: the declared keys and the two switches.
pub async fn save_policy(
    db: &Db,
    org_id: &str,
    actor: &audit::Actor,
    policy: &MetadataPolicy,
) -> Result<MetadataPolicy, AppError> {
    let mut problems = Problems::default();
    if policy.keys.len() > MAX_DECLARED_KEYS {
        problems.add("keys", format!("at most {MAX_DECLARED_KEYS} keys"));
    }
    let mut seen = std::collections::HashSet::new();
    for (i, k) in policy.keys.iter().enumerate() {
        let ok = !k.key.is_empty()
            && k.key.len() <= crate::domain::response::MAX_KEY_LEN
            && k.key.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
        if !ok {
            problems.add(format!("keys[{i}].key"), "1–64 letters, digits, '_', '-' or '.'");
        } else if !seen.insert(k.key.as_str()) {
            problems.add(format!("keys[{i}].key"), "declared twice");
        }
    }
    problems.into_result()?;
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM metadata_keys WHERE organization_id = $1").bind(org_id).execute(&mut *tx).await?;
    for k in &policy.keys {
        sqlx::query(
            "INSERT INTO metadata_keys (organization_id, key, kind, anonymize, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(org_id)
        .bind(&k.key)
        .bind(k.kind.as_str())
        .bind(i64::from(k.anonymize))
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
    }
    let mode = match policy.anonymize_mode {
        AnonymizeMode::Hash => "hash",
        AnonymizeMode::Drop => "drop",
    };
    sqlx::query("UPDATE organizations SET strict_metadata = $1, anonymize_mode = $2 WHERE id = $3")
        .bind(i64::from(policy.strict))
        .bind(mode)
        .bind(org_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    db.caches().metadata_policies.forget(org_id);
    audit::record(
        db,
        org_id,
        actor,
        crate::domain::audit::AuditAction::SettingsChanged,
        audit::target("settings", "metadata"),
        serde_json::json!({"setting": "metadata", "keys": policy.keys.len(), "strict": policy.strict}),
    )
    .await;
    self::policy(db, org_id).await
}
