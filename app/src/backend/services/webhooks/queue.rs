//! The database side of sending webhooks: which endpoints have deliveries
//! due, a lease per endpoint (so one replica sends to an endpoint at a time,
//! in order of creation), and recording each attempt's outcome with the
//! retry schedule. Safe with several replicas: every claim is a single
//! compare-and-set UPDATE, so no attempt is made twice in normal operation,
//! and an expired lease (a crashed replica) lets another take over.

use crate::backend::db::{now_ms, Db};
use crate::backend::sql_batch::SqlBatch;
use crate::domain::AppError;
use sqlx::Row;

/// An endpoint is disabled after failing continuously for this long.
pub const DISABLE_AFTER_FAILING_MS: i64 = 5 * 24 * 3600 * 1000;

pub async fn due_endpoints(db: &Db, limit: i64) -> Result<Vec<String>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT d.endpoint_id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id \
         WHERE d.status = 'pending' AND d.next_attempt_at <= $1 AND e.enabled = 1 \
         AND (e.sending_until IS NULL OR e.sending_until < $1) LIMIT $2",
    )
    .bind(now_ms())
    .bind(limit)
    .fetch_all(db.pool())
    .await?)
}

/// Takes (or renews, with `renew`) the endpoint's sending lease until `until_ms`.
/// Takes the endpoint's sending lease for `owner` until `until_ms`, if free or lapsed.
pub async fn lease(db: &Db, endpoint_id: &str, owner: &str, until_ms: i64) -> Result<bool, AppError> {
    let done = db
        .execute_write(
            sqlx::query(
                "UPDATE webhook_endpoints SET sending_until = $1, sending_by = $2 \
         WHERE id = $3 AND (sending_until IS NULL OR sending_until < $4)",
            )
            .bind(until_ms)
            .bind(owner)
            .bind(endpoint_id)
            .bind(now_ms()),
        )
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Extends a lease `owner` still holds; false when it lost it (then it must stop).
pub async fn renew(db: &Db, endpoint_id: &str, owner: &str, until_ms: i64) -> Result<bool, AppError> {
    let done = db
        .execute_write(
            sqlx::query("UPDATE webhook_endpoints SET sending_until = $1 WHERE id = $2 AND sending_by = $3")
                .bind(until_ms)
                .bind(endpoint_id)
                .bind(owner),
        )
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Gives the lease back, if `owner` still holds it.
pub async fn release(db: &Db, endpoint_id: &str, owner: &str) -> Result<(), AppError> {
    db.execute_write(
        sqlx::query(
            "UPDATE webhook_endpoints SET sending_until = NULL, sending_by = NULL WHERE id = $1 AND sending_by = $2",
        )
        .bind(endpoint_id)
        .bind(owner),
    )
    .await?;
    Ok(())
}

/// Claims one attempt at each of `due` (in one transaction): a
/// compare-and-set on each delivery's attempt count, so even two senders
/// racing for the same delivery cannot both send it. Returns the claimed ones,
/// in order. A claimed delivery is not due again until `until_ms` (if the
/// sender dies, it becomes due again then), and `owner`'s lease on the
/// endpoint is extended to the same time; a sender that lost its lease claims
/// nothing.
pub async fn claim_attempts(
    db: &Db,
    endpoint_id: &str,
    owner: &str,
    due: Vec<Due>,
    until_ms: i64,
) -> Result<Vec<Due>, AppError> {
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let leased = sqlx::query("UPDATE webhook_endpoints SET sending_until = $1 WHERE id = $2 AND sending_by = $3")
        .bind(until_ms)
        .bind(endpoint_id)
        .bind(owner)
        .execute(&mut *tx)
        .await?;
    if leased.rows_affected() != 1 {
        return Ok(Vec::new());
    }
    let mut claimed = Vec::with_capacity(due.len());
    for delivery in due {
        let done = sqlx::query(
            "UPDATE webhook_deliveries SET next_attempt_at = $1 \
             WHERE id = $2 AND status = 'pending' AND attempt_count = $3 AND next_attempt_at <= $4",
        )
        .bind(until_ms)
        .bind(&delivery.id)
        .bind(delivery.attempt_count)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 1 {
            claimed.push(Due { claimed_until: until_ms, ..delivery });
        }
    }
    tx.commit().await?;
    Ok(claimed)
}

/// Where and how to send for an endpoint.
pub struct Target {
    pub url: String,
    pub secret_sealed: String,
    pub enabled: bool,
}

pub async fn target(db: &Db, endpoint_id: &str) -> Result<Option<Target>, AppError> {
    let row = sqlx::query("SELECT url, secret_sealed, enabled FROM webhook_endpoints WHERE id = $1")
        .bind(endpoint_id)
        .fetch_optional(db.pool())
        .await?;
    row.map(|r| {
        Ok(Target {
            url: r.try_get("url")?,
            secret_sealed: r.try_get("secret_sealed")?,
            enabled: r.try_get::<i64, _>("enabled")? != 0,
        })
    })
    .transpose()
}

/// A delivery ready to send.
pub struct Due {
    pub id: String,
    pub payload: String,
    pub attempt_count: i64,
    /// Until when this sender's claim holds (0 before it is claimed).
    pub claimed_until: i64,
}

/// The endpoint's oldest due deliveries, at most `limit`, oldest first.
pub async fn next_due(db: &Db, endpoint_id: &str, limit: i64) -> Result<Vec<Due>, AppError> {
    let rows = sqlx::query(
        "SELECT id, payload, attempt_count FROM webhook_deliveries \
         WHERE endpoint_id = $1 AND status = 'pending' AND next_attempt_at <= $2 ORDER BY sequence LIMIT $3",
    )
    .bind(endpoint_id)
    .bind(now_ms())
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Due {
                id: r.try_get("id")?,
                payload: r.try_get("payload")?,
                attempt_count: r.try_get("attempt_count")?,
                claimed_until: 0,
            })
        })
        .collect()
}

/// What happened when sending once.
pub struct Outcome {
    pub attempted_at: i64,
    pub duration_ms: i64,
    pub http_status: Option<u16>,
    pub response_excerpt: Option<String>,
    pub error: Option<String>,
    pub request_headers: Vec<(String, String)>,
    /// Seconds the receiver asked us to wait (`Retry-After`).
    pub retry_after_secs: Option<u64>,
}

impl Outcome {
    pub fn succeeded(&self) -> bool {
        self.http_status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// Seconds until the next attempt after `attempts_made` failed attempts, or
/// `None` to give up. ±20 % jitter (`jitter` in 0..1), twice as long after
/// 429/502/504, and never sooner than the receiver's `Retry-After`.
pub fn retry_delay(
    schedule: &[u64],
    attempts_made: i64,
    status: Option<u16>,
    retry_after: Option<u64>,
    jitter: f64,
) -> Option<u64> {
    let index = usize::try_from(attempts_made).ok()?.checked_sub(1)?;
    let base = *schedule.get(index)? as f64;
    let factor = 0.8 + 0.4 * jitter.clamp(0.0, 1.0);
    let hard = if matches!(status, Some(429 | 502 | 504)) { 2.0 } else { 1.0 };
    let delay = (base * factor * hard).round() as u64;
    Some(delay.max(retry_after.unwrap_or(0).min(24 * 3600)))
}

/// Records the outcomes of a batch of attempts in one transaction, and gives
/// back claims on deliveries that were not sent after all (due again at once).
/// The attempts, the successes and the returned claims go to the database as
/// one call (`SqlBatch`): a batch costs a few round trips, not several per
/// delivery. Failures follow one by one: the worker stops an endpoint's batch
/// at its first failure, so there is at most one, and it needs a read.
pub async fn record(
    db: &Db,
    endpoint_id: &str,
    outcomes: &[(Due, Outcome)],
    unsent: &[Due],
    schedule: &[u64],
) -> Result<(), AppError> {
    let now = now_ms();
    let mut batch = SqlBatch::default();
    let mut failures = Vec::new();
    for (delivery, outcome) in outcomes {
        let attempt = delivery.attempt_count + 1;
        batch.push(
            "INSERT INTO webhook_attempts (delivery_id, attempt, attempted_at, duration_ms, http_status, \
             response_excerpt, error, request_headers) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            vec![
                delivery.id.as_str().into(),
                attempt.into(),
                outcome.attempted_at.into(),
                outcome.duration_ms.into(),
                outcome.http_status.map(i64::from).into(),
                outcome.response_excerpt.clone().into(),
                outcome.error.clone().into(),
                serde_json::to_string(&outcome.request_headers)?.into(),
            ],
        );
        if outcome.succeeded() {
            batch.push(
                "UPDATE webhook_deliveries SET status = 'delivered', attempt_count = $1, http_status = $2, \
                 delivered_at = $3, next_attempt_at = NULL WHERE id = $4 AND attempt_count = $5",
                vec![
                    attempt.into(),
                    outcome.http_status.map(i64::from).into(),
                    now.into(),
                    delivery.id.as_str().into(),
                    delivery.attempt_count.into(),
                ],
            );
        } else {
            failures.push((delivery, outcome));
        }
    }
    if outcomes.iter().any(|(_, outcome)| outcome.succeeded()) {
        batch.push(
            "UPDATE webhook_endpoints SET failing_since = NULL, last_failure_at = NULL WHERE id = $1",
            vec![endpoint_id.into()],
        );
    }
    for delivery in unsent {
        batch.push(
            "UPDATE webhook_deliveries SET next_attempt_at = $1 \
             WHERE id = $2 AND status = 'pending' AND attempt_count = $3 AND next_attempt_at = $4",
            vec![now.into(), delivery.id.as_str().into(), delivery.attempt_count.into(), delivery.claimed_until.into()],
        );
    }
    let mut tx = db.begin_write().await?;
    batch.execute(&mut tx).await?;
    for (delivery, outcome) in failures {
        record_failure(&mut tx, endpoint_id, delivery, outcome, schedule, now).await?;
    }
    Ok(tx.commit().await?)
}

/// A failed attempt (already recorded as an attempt): the delivery's next
/// attempt or its end, and the endpoint's failure record, which may disable it.
async fn record_failure(
    tx: &mut sqlx::AnyConnection,
    endpoint_id: &str,
    delivery: &Due,
    outcome: &Outcome,
    schedule: &[u64],
    now: i64,
) -> Result<(), AppError> {
    let attempt = delivery.attempt_count + 1;
    let status = outcome.http_status.map(i64::from);
    let gone = outcome.http_status == Some(410);
    let delay = if gone {
        None
    } else {
        retry_delay(schedule, attempt, outcome.http_status, outcome.retry_after_secs, rand::random())
    };
    let next = delay.map(|secs| now + (secs as i64) * 1000);
    sqlx::query(
        "UPDATE webhook_deliveries SET status = $1, attempt_count = $2, http_status = $3, next_attempt_at = $4 WHERE id = $5 AND attempt_count = $6",
    )
    .bind(if next.is_some() { "pending" } else { "failed" })
    .bind(attempt)
    .bind(status)
    .bind(next)
    .bind(&delivery.id)
    .bind(delivery.attempt_count)
    .execute(&mut *tx)
    .await?;
    // Continuous failure: a gap of more than a day without failures (the
    // retry schedule never waits that long) starts the count again.
    sqlx::query(
        "UPDATE webhook_endpoints SET failing_since = CASE WHEN failing_since IS NULL OR last_failure_at IS NULL \
         OR last_failure_at < $1 THEN $2 ELSE failing_since END, last_failure_at = $2 WHERE id = $3",
    )
    .bind(now - 24 * 3600 * 1000)
    .bind(now)
    .bind(endpoint_id)
    .execute(&mut *tx)
    .await?;
    let reason = if gone {
        Some("the receiver answered 410 Gone".to_string())
    } else {
        let since: Option<i64> = sqlx::query("SELECT failing_since FROM webhook_endpoints WHERE id = $1")
            .bind(endpoint_id)
            .fetch_one(&mut *tx)
            .await?
            .try_get("failing_since")?;
        since.filter(|t| now - t >= DISABLE_AFTER_FAILING_MS).map(|_| "failing continuously for 5 days".to_string())
    };
    if let Some(reason) = reason {
        tracing::warn!(endpoint = endpoint_id, %reason, "disabling webhook endpoint");
        sqlx::query("UPDATE webhook_endpoints SET enabled = 0, disabled_reason = $1, updated_at = $2 WHERE id = $3")
            .bind(reason)
            .bind(now)
            .bind(endpoint_id)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

/// Turns an endpoint off and fails what was still queued for it (nothing is
/// sent to a disabled endpoint, and re-enabling does not flood it with stale events).
pub async fn disable(
    conn: &mut sqlx::AnyConnection,
    endpoint_id: &str,
    reason: &str,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("UPDATE webhook_endpoints SET enabled = 0, disabled_reason = $1, updated_at = $2 WHERE id = $3")
        .bind(reason)
        .bind(now)
        .bind(endpoint_id)
        .execute(&mut *conn)
        .await?;
    fail_pending(conn, endpoint_id).await
}

/// Marks an endpoint's queued deliveries failed.
pub async fn fail_pending(conn: &mut sqlx::AnyConnection, endpoint_id: &str) -> Result<(), AppError> {
    sqlx::query("UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL WHERE endpoint_id = $1 AND status = 'pending'")
        .bind(endpoint_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Drops finished deliveries older than the retention period.
pub async fn purge_history(db: &Db, retention_days: u32) -> Result<(), AppError> {
    sqlx::query("DELETE FROM webhook_deliveries WHERE status <> 'pending' AND created_at < $1")
        .bind(now_ms() - i64::from(retention_days) * 24 * 3600 * 1000)
        .execute(db.pool())
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEDULE: [u64; 7] = [5, 300, 1800, 7200, 18000, 36000, 36000];

    #[test]
    fn follows_the_schedule_with_jitter() {
        assert_eq!(retry_delay(&SCHEDULE, 1, Some(500), None, 0.5), Some(5));
        assert_eq!(retry_delay(&SCHEDULE, 2, None, None, 0.0), Some(240));
        assert_eq!(retry_delay(&SCHEDULE, 2, None, None, 1.0), Some(360));
        assert_eq!(retry_delay(&SCHEDULE, 7, Some(500), None, 0.5), Some(36000));
        assert_eq!(retry_delay(&SCHEDULE, 8, Some(500), None, 0.5), None, "gives up after the schedule");
    }

    #[test]
    fn backs_off_harder_and_honours_retry_after() {
        assert_eq!(retry_delay(&SCHEDULE, 2, Some(429), None, 0.5), Some(600));
        assert_eq!(retry_delay(&SCHEDULE, 2, Some(503), None, 0.5), Some(300));
        assert_eq!(retry_delay(&SCHEDULE, 1, Some(503), Some(120), 0.5), Some(120));
        assert_eq!(retry_delay(&SCHEDULE, 1, Some(503), Some(10_000_000), 0.5), Some(86400));
    }
}
