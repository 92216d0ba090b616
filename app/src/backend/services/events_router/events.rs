//! Receiving events (`POST /api/events`) and showing what became of them.
//! An accepted event is committed (with its `event.received` webhooks)
//! before the 202; routing it to a survey happens right after, in the
//! background (see `events_router::routing`), so ingestion stays one short write.

use crate::backend::db::{json_column, new_id, now_ms, to_datetime, Db};
use crate::backend::group_commit::Audience;
use crate::backend::services::events_router::channels;
use crate::backend::webhook_outbox;
use crate::backend::AppState;
use crate::domain::error::Problems;
use crate::domain::event::{EventAccepted, EventInput, EventProcessing, EventRecord};
use crate::domain::ids::{is_valid, IdKind};
use crate::domain::page::{PageRequest, Paginated};
use crate::domain::AppError;
use sqlx::any::AnyRow;
use sqlx::Row;

pub async fn ingest(state: &AppState, org_id: &str, input: EventInput) -> Result<EventAccepted, AppError> {
    let mut problems = Problems::default();
    input.validate(&mut problems);
    problems.into_result()?;
    let channel_id = input.channel.as_ref().and_then(|c| c.id.clone()).unwrap_or_default();
    let kind = input.kind.clone().unwrap_or_default();
    let db = &state.db;
    if !channels::channel_exists(db, org_id, channel_id.trim()).await? {
        return Err(AppError::field(
            "channel.id",
            "no such channel in your organisation (GET /api/channels lists them)",
        ));
    }
    let Some(event_type) = channels::event_type_by_name(db, org_id, &kind).await? else {
        return Err(AppError::field(
            "type",
            format!("no event type named {kind:?}; create it first (POST /api/event-types)"),
        ));
    };
    let id = new_id(IdKind::Event);
    let body = serde_json::to_value(&input)?;
    let reference = input.transaction.as_ref().and_then(|t| t.reference.clone()).unwrap_or_default();
    let new = std::sync::Arc::new(NewEvent {
        id: id.clone(),
        organization_id: org_id.to_string(),
        channel_id: channel_id.trim().to_string(),
        event_type,
        reference: reference.trim().to_string(),
        body,
        received_at: now_ms(),
    });
    // Shares a transaction with concurrent events (group commit); the 202 waits for its commit.
    let queued = state
        .writes
        .write_reporting(Audience { organization_id: org_id.to_string(), survey_id: None }, move |tx, subscribers| {
            let new = new.clone();
            Box::pin(async move { store_new(tx, &new, subscribers).await })
        })
        .await?;
    if queued > 0 {
        state.webhook_wakeup.notify_one();
    }
    state.invitation_wakeup.notify_one();
    Ok(EventAccepted::new(&id))
}

/// A checked event, ready to store.
struct NewEvent {
    id: String,
    organization_id: String,
    channel_id: String,
    event_type: crate::domain::events_router::EventType,
    reference: String,
    body: serde_json::Value,
    received_at: i64,
}

/// Writes the event and its `event.received` deliveries to `subscribers`;
/// returns how many were queued. By reference: group commit may run it again.
async fn store_new(
    tx: &mut sqlx::AnyConnection,
    new: &NewEvent,
    subscribers: &[webhook_outbox::Subscriber],
) -> Result<usize, AppError> {
    sqlx::query(
        "INSERT INTO events (id, organization_id, channel_id, event_type_id, type, transaction_reference, \
         body, status, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8)",
    )
    .bind(&new.id)
    .bind(&new.organization_id)
    .bind(&new.channel_id)
    .bind(&new.event_type.id)
    .bind(&new.event_type.name)
    .bind(&new.reference)
    .bind(new.body.to_string())
    .bind(new.received_at)
    .execute(&mut *tx)
    .await?;
    if subscribers.is_empty() {
        return Ok(0);
    }
    let data = serde_json::json!({
        "id": new.id, "type": new.event_type.name, "eventTypeId": new.event_type.id, "channelId": new.channel_id,
        "event": new.body, "receivedAt": to_datetime(new.received_at),
    });
    let thin = serde_json::json!({ "id": new.id, "type": new.event_type.name });
    webhook_outbox::queue_for(tx, subscribers, &new.organization_id, &["event.received"], &data, &thin).await
}

const SELECT: &str = "SELECT e.*, i.survey_id AS inv_survey_id, i.status AS inv_status, i.send_at AS inv_send_at, \
    i.sent_at AS inv_sent_at FROM events e LEFT JOIN invitations i ON i.id = e.invitation_id";

fn from_row(row: &AnyRow) -> Result<EventRecord, AppError> {
    let status: String = row.try_get("status")?;
    let invitation_status: Option<String> = row.try_get("inv_status")?;
    // Once an invitation exists, its state is the event's outcome.
    let status = match (status.as_str(), invitation_status) {
        ("scheduled", Some(s)) => s,
        (other, _) => other.to_string(),
    };
    let processed_at: Option<i64> = row.try_get("processed_at")?;
    Ok(EventRecord {
        id: row.try_get("id")?,
        kind: row.try_get("type")?,
        event_type_id: row.try_get("event_type_id")?,
        channel_id: row.try_get("channel_id")?,
        contact_id: row.try_get("contact_id")?,
        event: json_column(row, "body")?,
        received_at: to_datetime(row.try_get("received_at")?),
        processing: EventProcessing {
            status,
            reason: row.try_get("reason")?,
            invite_setting_id: row.try_get("invite_setting_id")?,
            invitation_id: row.try_get("invitation_id")?,
            survey_id: row.try_get("inv_survey_id")?,
            send_at: row.try_get::<Option<i64>, _>("inv_send_at")?.map(to_datetime),
            sent_at: row.try_get::<Option<i64>, _>("inv_sent_at")?.map(to_datetime),
            processed_at: processed_at.map(to_datetime),
        },
    })
}

/// Which events to list.
#[derive(Clone, Debug, Default)]
pub struct EventFilter {
    pub kind: Option<String>,
    pub transaction_reference: Option<String>,
}

/// Events, newest first.
pub async fn list(
    db: &Db,
    org_id: &str,
    filter: &EventFilter,
    page: PageRequest,
) -> Result<Paginated<EventRecord>, AppError> {
    let clause =
        "e.organization_id = $1 AND ($2 IS NULL OR e.type = $2) AND ($3 IS NULL OR e.transaction_reference = $3)";
    let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) AS n FROM events e WHERE {clause}"))
        .bind(org_id)
        .bind(filter.kind.clone())
        .bind(filter.transaction_reference.clone())
        .fetch_one(db.pool())
        .await?;
    let rows =
        sqlx::query(&format!("{SELECT} WHERE {clause} ORDER BY e.received_at DESC, e.id DESC LIMIT $4 OFFSET $5"))
            .bind(org_id)
            .bind(filter.kind.clone())
            .bind(filter.transaction_reference.clone())
            .bind(i64::from(page.per_page))
            .bind(page.offset())
            .fetch_all(db.pool())
            .await?;
    let data = rows.iter().map(from_row).collect::<Result<_, _>>()?;
    Ok(Paginated::new(data, page, total))
}

pub async fn get(db: &Db, org_id: &str, id: &str) -> Result<EventRecord, AppError> {
    if !is_valid(IdKind::Event, id) {
        return Err(AppError::not_found("event"));
    }
    let row = sqlx::query(&format!("{SELECT} WHERE e.organization_id = $1 AND e.id = $2"))
        .bind(org_id)
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(from_row).transpose()?.ok_or_else(|| AppError::not_found("event"))
}
