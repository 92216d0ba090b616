//! The delivery log of a webhook endpoint: listing deliveries, one delivery
//! with every attempt, and queueing one again.

use crate::backend::db::{internal, now_ms, to_datetime, Db};
use crate::backend::services::webhooks::{disabled_conflict, get, Family};
use crate::backend::AppState;
use crate::domain::ids::{is_valid, IdKind};
use crate::domain::page::{PageRequest, Paginated};
use crate::domain::webhook::{Attempt, Delivery, DeliveryStatus};
use crate::domain::AppError;
use sqlx::any::AnyRow;
use sqlx::Row;

const DELIVERY_COLUMNS: &str =
    "id, endpoint_id, event, payload, is_test, status, attempt_count, http_status, next_attempt_at, created_at, delivered_at";

fn delivery_from_row(row: &AnyRow) -> Result<Delivery, AppError> {
    let status: String = row.try_get("status")?;
    let time = |c: &str| -> Result<Option<chrono::DateTime<chrono::Utc>>, AppError> {
        Ok(row.try_get::<Option<i64>, _>(c)?.map(to_datetime))
    };
    Ok(Delivery {
        id: row.try_get("id")?,
        webhook_id: row.try_get("endpoint_id")?,
        event: row.try_get("event")?,
        status: DeliveryStatus::parse(&status).ok_or_else(|| internal(format!("bad status {status}")))?,
        attempt_count: row.try_get("attempt_count")?,
        http_status: row.try_get("http_status")?,
        test: row.try_get::<i64, _>("is_test")? != 0,
        created_at: to_datetime(row.try_get("created_at")?),
        delivered_at: time("delivered_at")?,
        next_attempt_at: time("next_attempt_at")?,
        attempts: None,
        payload: None,
    })
}

#[derive(Clone, Debug, Default)]
pub struct DeliveryFilter {
    pub status: Option<DeliveryStatus>,
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
}

pub async fn list_deliveries(
    db: &Db,
    org_id: &str,
    family: Family<'_>,
    endpoint_id: &str,
    filter: &DeliveryFilter,
    page: PageRequest,
) -> Result<Paginated<Delivery>, AppError> {
    get(db, org_id, family, endpoint_id).await?;
    let condition = "endpoint_id = $1 AND organization_id = $2 AND ($3 IS NULL OR status = $3) \
        AND ($4 IS NULL OR created_at >= $4) AND ($5 IS NULL OR created_at < $5)";
    let status = filter.status.map(|s| s.as_str().to_string());
    let rows = sqlx::query(&format!(
        "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE {condition} ORDER BY sequence DESC LIMIT $6 OFFSET $7"
    ))
    .bind(endpoint_id)
    .bind(org_id)
    .bind(status.clone())
    .bind(filter.from_ms)
    .bind(filter.to_ms)
    .bind(i64::from(page.per_page))
    .bind(page.offset())
    .fetch_all(db.pool())
    .await?;
    let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE {condition}"))
        .bind(endpoint_id)
        .bind(org_id)
        .bind(status)
        .bind(filter.from_ms)
        .bind(filter.to_ms)
        .fetch_one(db.pool())
        .await?;
    Ok(Paginated::new(rows.iter().map(delivery_from_row).collect::<Result<_, _>>()?, page, total))
}

/// One delivery with its body and every attempt.
pub async fn get_delivery(
    db: &Db,
    org_id: &str,
    family: Family<'_>,
    endpoint_id: &str,
    id: &str,
) -> Result<Delivery, AppError> {
    get(db, org_id, family, endpoint_id).await?;
    if !is_valid(IdKind::Delivery, id) {
        return Err(AppError::not_found("delivery"));
    }
    let row = sqlx::query(&format!(
        "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE id = $1 AND endpoint_id = $2 AND organization_id = $3"
    ))
    .bind(id)
    .bind(endpoint_id)
    .bind(org_id)
    .fetch_optional(db.pool())
    .await?
    .ok_or_else(|| AppError::not_found("delivery"))?;
    let mut delivery = delivery_from_row(&row)?;
    delivery.payload = Some(row.try_get("payload")?);
    let attempts = sqlx::query(
        "SELECT attempted_at, duration_ms, http_status, response_excerpt, error, request_headers FROM webhook_attempts \
         WHERE delivery_id = $1 ORDER BY attempt",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    delivery.attempts = Some(
        attempts
            .iter()
            .map(|a| {
                let headers: String = a.try_get("request_headers")?;
                Ok(Attempt {
                    attempted_at: to_datetime(a.try_get("attempted_at")?),
                    duration_ms: a.try_get("duration_ms")?,
                    http_status: a.try_get("http_status")?,
                    response_excerpt: a.try_get("response_excerpt")?,
                    error: a.try_get("error")?,
                    request_headers: serde_json::from_str(&headers)?,
                })
            })
            .collect::<Result<_, AppError>>()?,
    );
    Ok(delivery)
}

/// Queues a delivery again at once (it keeps its id, so receivers can deduplicate).
pub async fn retry_delivery(
    state: &AppState,
    org_id: &str,
    family: Family<'_>,
    endpoint_id: &str,
    id: &str,
) -> Result<Delivery, AppError> {
    get_delivery(&state.db, org_id, family, endpoint_id, id).await?;
    if !get(&state.db, org_id, family, endpoint_id).await?.enabled {
        return Err(disabled_conflict());
    }
    sqlx::query(
        "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = $1 WHERE id = $2 AND organization_id = $3",
    )
    .bind(now_ms())
    .bind(id)
    .bind(org_id)
    .execute(state.db.pool())
    .await?;
    state.webhook_wakeup.notify_one();
    get_delivery(&state.db, org_id, family, endpoint_id, id).await
}

/// The deliveries that reported on one object (a response), newest first.
pub async fn for_subject(db: &Db, org_id: &str, subject_id: &str) -> Result<Vec<Delivery>, AppError> {
    let rows = sqlx::query(&format!(
        "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE organization_id = $1 AND subject_id = $2 \
         ORDER BY created_at DESC, sequence DESC LIMIT 100"
    ))
    .bind(org_id)
    .bind(subject_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(delivery_from_row).collect()
}
