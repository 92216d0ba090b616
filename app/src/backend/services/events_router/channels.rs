//! Channels and event types (touchpoints). Every organisation has a default
//! channel; every (channel, event type) pair has an automatic invite setting,
//! made here whenever either side is created.

use crate::backend::db::{internal, is_unique_violation, new_id, now_ms, to_datetime, Db};
use crate::backend::read_cache::{is_of_org, org_key};
use crate::backend::services::events_router::invite_settings;
use crate::domain::error::Problems;
use crate::domain::events_router::{check_name, Channel, ChannelInput, EventType, EventTypeInput, EventTypePatch};
use crate::domain::ids::{is_valid, IdKind};
use crate::domain::page::{PageRequest, Paginated};
use crate::domain::AppError;
use sqlx::any::AnyRow;
use sqlx::Row;

fn channel_from_row(row: &AnyRow) -> Result<Channel, AppError> {
    Ok(Channel {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        kind: row.try_get("kind")?,
        is_default: row.try_get::<i64, _>("is_default")? != 0,
        created_at: to_datetime(row.try_get("created_at")?),
        updated_at: to_datetime(row.try_get("updated_at")?),
    })
}

fn event_type_from_row(row: &AnyRow) -> Result<EventType, AppError> {
    Ok(EventType {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        active: row.try_get::<i64, _>("active")? != 0,
        created_at: to_datetime(row.try_get("created_at")?),
        updated_at: to_datetime(row.try_get("updated_at")?),
    })
}

/// Makes the organisation's default channel if it has none (idempotent, race-safe).
pub async fn ensure_default_channel(db: &Db, org_id: &str) -> Result<(), AppError> {
    let now = now_ms();
    sqlx::query(
        "INSERT INTO channels (id, organization_id, name, kind, is_default, created_at, updated_at) \
         SELECT $1, $2, 'Default', 'vox', 1, $3, $3 WHERE NOT EXISTS \
         (SELECT 1 FROM channels WHERE organization_id = $2 AND is_default = 1) ON CONFLICT DO NOTHING",
    )
    .bind(new_id(IdKind::Channel))
    .bind(org_id)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// A page of the organisation's channels, the default first.
pub async fn list_channels(db: &Db, org_id: &str, page: PageRequest) -> Result<Paginated<Channel>, AppError> {
    ensure_default_channel(db, org_id).await?;
    let rows = sqlx::query(
        "SELECT * FROM channels WHERE organization_id = $1 ORDER BY is_default DESC, created_at, id LIMIT $2 OFFSET $3",
    )
    .bind(org_id)
    .bind(i64::from(page.per_page))
    .bind(page.offset())
    .fetch_all(db.pool())
    .await?;
    let total = count(db, "channels", org_id).await?;
    let data = rows.iter().map(channel_from_row).collect::<Result<_, _>>()?;
    Ok(Paginated::new(data, page, total))
}

/// How many rows of `table` the organisation has.
async fn count(db: &Db, table: &'static str, org_id: &str) -> Result<i64, AppError> {
    let sql = format!("SELECT COUNT(*) AS n FROM {table} WHERE organization_id = $1");
    Ok(sqlx::query_scalar(&sql).bind(org_id).fetch_one(db.pool()).await?)
}

pub async fn get_channel(db: &Db, org_id: &str, id: &str) -> Result<Channel, AppError> {
    if !is_valid(IdKind::Channel, id) {
        return Err(AppError::not_found("channel"));
    }
    let row = sqlx::query("SELECT * FROM channels WHERE organization_id = $1 AND id = $2")
        .bind(org_id)
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(channel_from_row).transpose()?.ok_or_else(|| AppError::not_found("channel"))
}

pub async fn create_channel(db: &Db, org_id: &str, input: ChannelInput) -> Result<Channel, AppError> {
    let mut problems = Problems::default();
    check_name(&mut problems, "name", &input.name);
    let kind = input.kind.clone().unwrap_or_else(|| "vox".into());
    check_name(&mut problems, "type", &kind);
    problems.into_result()?;
    ensure_default_channel(db, org_id).await?;
    let id = new_id(IdKind::Channel);
    let now = now_ms();
    sqlx::query(
        "INSERT INTO channels (id, organization_id, name, kind, is_default, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, 0, $5, $5)",
    )
    .bind(&id)
    .bind(org_id)
    .bind(input.name.trim())
    .bind(kind.trim())
    .bind(now)
    .execute(db.pool())
    .await?;
    invite_settings::ensure_pairs(db, org_id).await?;
    get_channel(db, org_id, &id).await
}

/// A page of the organisation's event types, by name.
pub async fn list_event_types(db: &Db, org_id: &str, page: PageRequest) -> Result<Paginated<EventType>, AppError> {
    let rows = sqlx::query("SELECT * FROM event_types WHERE organization_id = $1 ORDER BY name, id LIMIT $2 OFFSET $3")
        .bind(org_id)
        .bind(i64::from(page.per_page))
        .bind(page.offset())
        .fetch_all(db.pool())
        .await?;
    let total = count(db, "event_types", org_id).await?;
    let data = rows.iter().map(event_type_from_row).collect::<Result<_, _>>()?;
    Ok(Paginated::new(data, page, total))
}

pub async fn get_event_type(db: &Db, org_id: &str, id: &str) -> Result<EventType, AppError> {
    if !is_valid(IdKind::EventType, id) {
        return Err(AppError::not_found("event type"));
    }
    let row = sqlx::query("SELECT * FROM event_types WHERE organization_id = $1 AND id = $2")
        .bind(org_id)
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(event_type_from_row).transpose()?.ok_or_else(|| AppError::not_found("event type"))
}

/// The event type an event names in `type`.
/// The type named `name`, found for every incoming event: this process keeps
/// a copy of a type found for a moment (see `read_cache`).
pub async fn event_type_by_name(db: &Db, org_id: &str, name: &str) -> Result<Option<EventType>, AppError> {
    let key = org_key(org_id, name.trim());
    if let Some(found) = db.caches().event_types.get(&key) {
        return Ok(Some(found));
    }
    let read_at = std::time::Instant::now();
    let row = sqlx::query("SELECT * FROM event_types WHERE organization_id = $1 AND name = $2")
        .bind(org_id)
        .bind(name.trim())
        .fetch_optional(db.pool())
        .await?;
    let found = row.as_ref().map(event_type_from_row).transpose()?;
    if let Some(found) = &found {
        db.caches().event_types.put(key, found.clone(), read_at);
    }
    Ok(found)
}

/// Whether the organisation has this channel (checked for every incoming
/// event; channels are never deleted, so one found is kept a moment).
pub async fn channel_exists(db: &Db, org_id: &str, id: &str) -> Result<bool, AppError> {
    let key = org_key(org_id, id);
    if db.caches().channels.get(&key).is_some() {
        return Ok(true);
    }
    let read_at = std::time::Instant::now();
    match get_channel(db, org_id, id).await {
        Ok(_) => {
            db.caches().channels.put(key, (), read_at);
            Ok(true)
        }
        Err(AppError::NotFound { .. }) => Ok(false),
        Err(other) => Err(other),
    }
}

/// Forgets this process's copies of the organisation's event types.
fn event_types_changed(db: &Db, org_id: &str) {
    db.caches().event_types.forget_where(|key, _| is_of_org(key, org_id));
}

fn name_taken(name: &str) -> AppError {
    AppError::Conflict { code: "name_taken".into(), message: format!("an event type named {name:?} already exists") }
}

pub async fn create_event_type(db: &Db, org_id: &str, input: EventTypeInput) -> Result<EventType, AppError> {
    let mut problems = Problems::default();
    check_name(&mut problems, "name", &input.name);
    problems.into_result()?;
    ensure_default_channel(db, org_id).await?;
    let id = new_id(IdKind::EventType);
    let now = now_ms();
    sqlx::query(
        "INSERT INTO event_types (id, organization_id, name, active, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(&id)
    .bind(org_id)
    .bind(input.name.trim())
    .bind(i64::from(input.active))
    .bind(now)
    .execute(db.pool())
    .await
    .map_err(|e| if is_unique_violation(&e) { name_taken(input.name.trim()) } else { internal(e) })?;
    invite_settings::ensure_pairs(db, org_id).await?;
    get_event_type(db, org_id, &id).await
}

pub async fn update_event_type(db: &Db, org_id: &str, id: &str, patch: EventTypePatch) -> Result<EventType, AppError> {
    let current = get_event_type(db, org_id, id).await?;
    let mut problems = Problems::default();
    if let Some(name) = &patch.name {
        check_name(&mut problems, "name", name);
    }
    problems.into_result()?;
    let name = patch.name.as_deref().map(str::trim).unwrap_or(&current.name).to_string();
    sqlx::query(
        "UPDATE event_types SET name = $1, active = $2, updated_at = $3 WHERE organization_id = $4 AND id = $5",
    )
    .bind(&name)
    .bind(i64::from(patch.active.unwrap_or(current.active)))
    .bind(now_ms())
    .bind(org_id)
    .bind(id)
    .execute(db.pool())
    .await
    .map_err(|e| if is_unique_violation(&e) { name_taken(&name) } else { internal(e) })?;
    event_types_changed(db, org_id);
    get_event_type(db, org_id, id).await
}

/// Deletes the event type and its invite settings; past events keep its name.
pub async fn delete_event_type(db: &Db, org_id: &str, id: &str) -> Result<(), AppError> {
    get_event_type(db, org_id, id).await?;
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM invite_settings WHERE organization_id = $1 AND event_type_id = $2")
        .bind(org_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM event_types WHERE organization_id = $1 AND id = $2")
        .bind(org_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    event_types_changed(db, org_id);
    Ok(())
}
