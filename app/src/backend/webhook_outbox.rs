//! The webhook outbox: a change and the deliveries that report it commit in
//! one transaction, so a receiver hears of every committed change and of
//! nothing that rolled back. Each delivery takes the next number of its
//! endpoint's sequence inside that transaction (the row lock orders
//! concurrent writers), which is the order the worker sends them in.
//!
//! Group commit reads a batch's subscribers once ([`subscribers`]) and hands
//! them to each job; single writes call [`enqueue`].

use super::db::{new_id, now_ms};
use crate::domain::ids::IdKind;
use crate::domain::webhook::subscribed;
use crate::domain::AppError;
use serde_json::{json, Value};
use sqlx::{AnyConnection, Row};

/// The JSON body of a delivery.
pub fn envelope(event: &str, data: &Value, test: bool) -> String {
    let mut body = json!({ "type": event, "timestamp": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true), "data": data });
    if test {
        body["test"] = Value::Bool(true);
    }
    body.to_string()
}

/// The outbox: records one delivery per subscribed, enabled endpoint, inside
/// the caller's transaction, so the change and its deliveries commit (or roll
/// back) together. `thin` is the ids-only form of `data`.
pub async fn enqueue(
    conn: &mut AnyConnection,
    org_id: &str,
    survey_id: Option<&str>,
    event: &str,
    data: &Value,
    thin: &Value,
) -> Result<usize, AppError> {
    let subscribers = subscribers(&mut *conn, org_id, survey_id).await?;
    queue_for(conn, &subscribers, org_id, &[event], data, thin).await
}

/// An enabled endpoint that may want events about a survey (or the
/// organisation), as [`subscribers`] read it.
#[derive(Clone, Debug)]
pub struct Subscriber {
    endpoint_id: String,
    events: Vec<String>,
    thin_payload: bool,
}

/// The enabled endpoints of the organisation for `survey_id` (and those for
/// all its surveys). Hot paths have group commit read them, once per batch
/// (see `group_commit`); [`queue_for`] copes with an endpoint deleted since
/// (on PostgreSQL, before the batch locked it). In id order, so concurrent
/// transactions take the endpoints' delivery counters in the same order
/// (and cannot deadlock over them on PostgreSQL).
pub async fn subscribers<'e, E>(executor: E, org_id: &str, survey_id: Option<&str>) -> Result<Vec<Subscriber>, AppError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let rows = sqlx::query(
        "SELECT id, events, thin_payload FROM webhook_endpoints \
         WHERE organization_id = $1 AND enabled = 1 AND (survey_id IS NULL OR survey_id = $2) ORDER BY id",
    )
    .bind(org_id)
    .bind(survey_id)
    .fetch_all(executor)
    .await?;
    rows.iter()
        .map(|row| {
            let events: String = row.try_get("events")?;
            Ok(Subscriber {
                endpoint_id: row.try_get("id")?,
                events: events.split_whitespace().map(str::to_string).collect(),
                thin_payload: row.try_get::<i64, _>("thin_payload")? != 0,
            })
        })
        .collect()
}

impl Subscriber {
    /// The endpoint, whose delivery counter [`queue_for`] advances.
    pub fn endpoint_id(&self) -> &str {
        &self.endpoint_id
    }
}

/// Locks the delivery counters of `endpoint_ids` in id order, as the
/// group-commit writers on PostgreSQL do before a batch (whose jobs each
/// advance some of them, in their own orders). PostgreSQL only.
pub async fn lock_delivery_counters(conn: &mut AnyConnection, endpoint_ids: &[&str]) -> Result<(), AppError> {
    if endpoint_ids.is_empty() {
        return Ok(());
    }
    let placeholders: Vec<String> = (1..=endpoint_ids.len()).map(|n| format!("${n}")).collect();
    // ORDER BY comes before the locking here: PostgreSQL locks the rows in that order.
    let sql =
        format!("SELECT id FROM webhook_endpoints WHERE id IN ({}) ORDER BY id FOR UPDATE", placeholders.join(", "));
    let mut query = sqlx::query(&sql);
    for id in endpoint_ids {
        query = query.bind(*id);
    }
    query.fetch_all(&mut *conn).await?;
    Ok(())
}

/// Records the deliveries of `events` to each of `subscribers` that wants
/// them, in the caller's transaction; returns how many. An endpoint deleted
/// since it was read gets none (as if it had been deleted just after).
pub async fn queue_for(
    conn: &mut AnyConnection,
    subscribers: &[Subscriber],
    org_id: &str,
    events: &[&str],
    data: &Value,
    thin: &Value,
) -> Result<usize, AppError> {
    let subject = data.get("id").and_then(Value::as_str);
    queue_about(conn, subscribers, org_id, events, data, thin, subject).await
}

/// As [`enqueue`], for an event whose payload belongs to a response other
/// than by its `id` (a note on it): deleting that response redacts these
/// deliveries too.
pub async fn enqueue_about(
    conn: &mut AnyConnection,
    org_id: &str,
    survey_id: Option<&str>,
    event: &str,
    data: &Value,
    thin: &Value,
    subject_id: &str,
) -> Result<usize, AppError> {
    let subscribers = subscribers(&mut *conn, org_id, survey_id).await?;
    queue_about(conn, &subscribers, org_id, &[event], data, thin, Some(subject_id)).await
}

async fn queue_about(
    conn: &mut AnyConnection,
    subscribers: &[Subscriber],
    org_id: &str,
    events: &[&str],
    data: &Value,
    thin: &Value,
    subject: Option<&str>,
) -> Result<usize, AppError> {
    let now = now_ms();
    let mut queued = 0;
    for subscriber in subscribers {
        for event in events.iter().filter(|event| subscribed(&subscriber.events, event)) {
            let payload = envelope(event, if subscriber.thin_payload { thin } else { data }, false);
            match insert_delivery(&mut *conn, org_id, &subscriber.endpoint_id, event, &payload, false, subject, now)
                .await
            {
                Ok(_) => queued += 1,
                Err(AppError::NotFound { .. }) => break,
                Err(other) => return Err(other),
            }
        }
    }
    Ok(queued)
}

/// The endpoint's next delivery number, taken inside the enqueuing
/// transaction (the row lock orders concurrent writers; no clocks involved).
/// `NotFound` when the endpoint no longer exists.
async fn next_sequence(conn: &mut AnyConnection, endpoint_id: &str) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "UPDATE webhook_endpoints SET last_sequence = last_sequence + 1 WHERE id = $1 RETURNING last_sequence",
    )
    .bind(endpoint_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| AppError::not_found("webhook"))?)
}

/// One delivery, numbered in its endpoint's order; `NotFound` when the
/// endpoint no longer exists.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_delivery(
    conn: &mut AnyConnection,
    org_id: &str,
    endpoint_id: &str,
    event: &str,
    payload: &str,
    test: bool,
    subject: Option<&str>,
    now: i64,
) -> Result<String, AppError> {
    let id = new_id(IdKind::Delivery);
    let sequence = next_sequence(&mut *conn, endpoint_id).await?;
    sqlx::query(
        "INSERT INTO webhook_deliveries (id, organization_id, endpoint_id, event, payload, is_test, status, attempt_count, \
         next_attempt_at, created_at, sequence, subject_id) VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $7, $8, $9)",
    )
    .bind(&id)
    .bind(org_id)
    .bind(endpoint_id)
    .bind(event)
    .bind(payload)
    .bind(i64::from(test))
    .bind(now)
    .bind(sequence)
    .bind(subject)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}
