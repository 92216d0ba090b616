//! Invite settings: per channel and event type, which survey to send, when,
//! and (optionally) for which events. The automatic one per pair can be
//! edited but not deleted; extra ones route by conditions.

use crate::backend::db::{json_column, new_id, now_ms, to_datetime, Db};
use crate::backend::services::events_router::channels;
use crate::backend::services::surveys;
use crate::domain::error::Problems;
use crate::domain::events_router::{
    format_iso_duration, DelayFrom, InviteSetting, InviteSettingInput, InviteSettingPatch, SendWindow,
};
use crate::domain::ids::{is_valid, IdKind};
use crate::domain::page::{PageRequest, Paginated};
use crate::domain::AppError;
use sqlx::any::AnyRow;
use sqlx::Row;

const SELECT: &str = "SELECT s.*, t.name AS event_type_name FROM invite_settings s \
    JOIN event_types t ON t.id = s.event_type_id";

fn from_row(row: &AnyRow) -> Result<InviteSetting, AppError> {
    let delay_minutes: i64 = row.try_get("delay_minutes")?;
    let window: Option<String> = row.try_get("send_window")?;
    Ok(InviteSetting {
        id: row.try_get("id")?,
        channel_id: row.try_get("channel_id")?,
        event_type_id: row.try_get("event_type_id")?,
        event_type_name: row.try_get("event_type_name")?,
        survey_id: row.try_get("survey_id")?,
        active: row.try_get::<i64, _>("active")? != 0,
        priority: row.try_get("priority")?,
        is_default: row.try_get::<i64, _>("is_default")? != 0,
        delay_minutes,
        delay: format_iso_duration(delay_minutes),
        delay_from: DelayFrom::parse(&row.try_get::<String, _>("delay_from")?),
        transport: row.try_get("transport")?,
        send_window: window.map(|w| serde_json::from_str(&w)).transpose()?,
        conditions: json_column(row, "conditions")?,
        created_at: to_datetime(row.try_get("created_at")?),
        updated_at: to_datetime(row.try_get("updated_at")?),
    })
}

/// Makes the automatic setting for every (channel, event type) pair that lacks one.
pub async fn ensure_pairs(db: &Db, org_id: &str) -> Result<(), AppError> {
    let missing = sqlx::query(
        "SELECT c.id AS channel_id, t.id AS event_type_id FROM channels c JOIN event_types t \
         ON t.organization_id = c.organization_id WHERE c.organization_id = $1 AND NOT EXISTS \
         (SELECT 1 FROM invite_settings s WHERE s.channel_id = c.id AND s.event_type_id = t.id AND s.is_default = 1)",
    )
    .bind(org_id)
    .fetch_all(db.pool())
    .await?;
    let now = now_ms();
    for row in missing {
        let channel_id: String = row.try_get("channel_id")?;
        let event_type_id: String = row.try_get("event_type_id")?;
        insert(db, org_id, &channel_id, &event_type_id, true, 100, now).await?;
    }
    Ok(())
}

/// A new setting: inactive, no survey, no delay, email, no conditions.
async fn insert(
    db: &Db,
    org_id: &str,
    channel_id: &str,
    event_type_id: &str,
    is_default: bool,
    priority: i64,
    now: i64,
) -> Result<String, AppError> {
    let id = new_id(IdKind::InviteSetting);
    sqlx::query(
        "INSERT INTO invite_settings (id, organization_id, channel_id, event_type_id, survey_id, is_default, active, \
         priority, delay_minutes, delay_from, transport, send_window, conditions, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, NULL, $5, 0, $6, 0, 'event', 'email', NULL, '[]', $7, $7) ON CONFLICT DO NOTHING",
    )
    .bind(&id)
    .bind(org_id)
    .bind(channel_id)
    .bind(event_type_id)
    .bind(i64::from(is_default))
    .bind(priority)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(id)
}

/// The channel's settings, in the order they are tried.
/// A page of a channel's invite settings, by event type and priority.
pub async fn list_for_channel(
    db: &Db,
    org_id: &str,
    channel_id: &str,
    page: PageRequest,
) -> Result<Paginated<InviteSetting>, AppError> {
    channels::get_channel(db, org_id, channel_id).await?;
    ensure_pairs(db, org_id).await?;
    let rows = sqlx::query(&format!(
        "{SELECT} WHERE s.organization_id = $1 AND s.channel_id = $2 \
         ORDER BY t.name, s.priority, s.created_at, s.id LIMIT $3 OFFSET $4"
    ))
    .bind(org_id)
    .bind(channel_id)
    .bind(i64::from(page.per_page))
    .bind(page.offset())
    .fetch_all(db.pool())
    .await?;
    let total: i64 =
        sqlx::query_scalar("SELECT COUNT(*) AS n FROM invite_settings WHERE organization_id = $1 AND channel_id = $2")
            .bind(org_id)
            .bind(channel_id)
            .fetch_one(db.pool())
            .await?;
    let data = rows.iter().map(from_row).collect::<Result<_, _>>()?;
    Ok(Paginated::new(data, page, total))
}

/// The settings an event on `channel_id` of `event_type_id` is routed by, first to try first.
pub async fn candidates(
    db: &Db,
    org_id: &str,
    channel_id: &str,
    event_type_id: &str,
) -> Result<Vec<InviteSetting>, AppError> {
    let rows = sqlx::query(&format!(
        "{SELECT} WHERE s.organization_id = $1 AND s.channel_id = $2 AND s.event_type_id = $3 \
         ORDER BY s.priority, s.is_default, s.created_at, s.id"
    ))
    .bind(org_id)
    .bind(channel_id)
    .bind(event_type_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(from_row).collect()
}

pub async fn get(db: &Db, org_id: &str, channel_id: &str, id: &str) -> Result<InviteSetting, AppError> {
    if !is_valid(IdKind::InviteSetting, id) {
        return Err(AppError::not_found("invite setting"));
    }
    let row = sqlx::query(&format!("{SELECT} WHERE s.organization_id = $1 AND s.channel_id = $2 AND s.id = $3"))
        .bind(org_id)
        .bind(channel_id)
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(from_row).transpose()?.ok_or_else(|| AppError::not_found("invite setting"))
}

/// Checks what the patch names outside itself: the survey and the time zone.
async fn validate(db: &Db, org_id: &str, patch: &InviteSettingPatch) -> Result<Option<i64>, AppError> {
    let mut problems = Problems::default();
    let delay = patch.validate(&mut problems);
    if let Some(Some(survey_id)) = &patch.survey_id {
        if surveys::get(db, org_id, survey_id).await.is_err() {
            problems.add("surveyId", "no such survey in your organisation");
        }
    }
    if let Some(Some(window)) = &patch.send_window {
        if window.time_zone.parse::<chrono_tz::Tz>().is_err() {
            problems.add("sendWindow.timeZone", "an IANA time zone such as Europe/Athens or UTC");
        }
    }
    problems.into_result()?;
    Ok(delay)
}

pub async fn update(
    db: &Db,
    org_id: &str,
    channel_id: &str,
    id: &str,
    patch: InviteSettingPatch,
) -> Result<InviteSetting, AppError> {
    let current = get(db, org_id, channel_id, id).await?;
    let delay = validate(db, org_id, &patch).await?;
    let survey_id = patch.survey_id.clone().unwrap_or(current.survey_id.clone());
    let active = patch.active.unwrap_or(current.active);
    if active && survey_id.is_none() {
        return Err(AppError::field("surveyId", "an active setting needs a survey to send"));
    }
    let window: Option<SendWindow> = patch.send_window.clone().unwrap_or(current.send_window.clone());
    let conditions = patch.conditions.clone().unwrap_or(current.conditions.clone());
    sqlx::query(
        "UPDATE invite_settings SET survey_id = $1, active = $2, priority = $3, delay_minutes = $4, delay_from = $5, \
         transport = $6, send_window = $7, conditions = $8, updated_at = $9 WHERE organization_id = $10 AND id = $11",
    )
    .bind(survey_id)
    .bind(i64::from(active))
    .bind(patch.priority.unwrap_or(current.priority))
    .bind(delay.unwrap_or(current.delay_minutes))
    .bind(patch.delay_from.unwrap_or(current.delay_from).as_str())
    .bind(patch.transport.clone().unwrap_or(current.transport.clone()))
    .bind(window.map(|w| serde_json::to_string(&w)).transpose()?)
    .bind(serde_json::to_string(&conditions)?)
    .bind(now_ms())
    .bind(org_id)
    .bind(id)
    .execute(db.pool())
    .await?;
    get(db, org_id, channel_id, id).await
}

/// An extra setting for the channel and an event type; tried before the
/// automatic one unless given another priority.
pub async fn create(
    db: &Db,
    org_id: &str,
    channel_id: &str,
    input: InviteSettingInput,
) -> Result<InviteSetting, AppError> {
    channels::get_channel(db, org_id, channel_id).await?;
    if channels::get_event_type(db, org_id, &input.event_type_id).await.is_err() {
        return Err(AppError::field("eventTypeId", "no such event type in your organisation"));
    }
    validate(db, org_id, &input.settings).await?;
    let id = insert(db, org_id, channel_id, &input.event_type_id, false, 10, now_ms()).await?;
    match update(db, org_id, channel_id, &id, input.settings).await {
        Ok(setting) => Ok(setting),
        Err(e) => {
            // Never leave a half-made setting behind.
            sqlx::query("DELETE FROM invite_settings WHERE id = $1").bind(&id).execute(db.pool()).await?;
            Err(e)
        }
    }
}

/// Deletes an extra setting; the automatic one stays (deactivate it instead).
pub async fn delete(db: &Db, org_id: &str, channel_id: &str, id: &str) -> Result<(), AppError> {
    let setting = get(db, org_id, channel_id, id).await?;
    if setting.is_default {
        return Err(AppError::Conflict {
            code: "default_setting".into(),
            message: "the automatic setting of a channel and event type cannot be deleted; set active to false".into(),
        });
    }
    sqlx::query("DELETE FROM invite_settings WHERE organization_id = $1 AND id = $2")
        .bind(org_id)
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(())
}
