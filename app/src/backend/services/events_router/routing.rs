//! Routing received events: which invite setting applies, to whom, and when
//! the invitation goes out. Each event is claimed with a compare-and-set
//! and decided in one transaction (contact, invitation and outcome commit
//! together), so replicas share the work and a crash mid-way only delays it.

use crate::backend::db::{json_column, now_ms};
use crate::backend::services::events_router::invite_settings;
use crate::backend::services::outreach::contacts;
use crate::backend::services::outreach::invitations::{self, NewInvitation};
use crate::backend::services::outreach::mail_quota;
use crate::backend::AppState;
use crate::domain::contact::ContactInput;
use crate::domain::event::{parse_instant, EventInput};
use crate::domain::events_router::{all_hold, DelayFrom, InviteSetting, SendWindow};
use crate::domain::survey::SurveyStatus;
use crate::domain::AppError;
use chrono::{DateTime, Duration, TimeZone, Timelike, Utc};
use serde_json::{Map, Value};
use sqlx::Row;

/// After a failed attempt (e.g. the database was briefly unavailable).
const RETRY_MS: i64 = 2_000;

/// Routes up to `limit` pending events; returns how many were decided. A
/// claimed event is another replica's for `claim_ms`.
pub async fn route_pending(state: &AppState, limit: i64, claim_ms: i64) -> Result<usize, AppError> {
    let db = &state.db;
    let now = now_ms();
    let rows = sqlx::query(
        "SELECT id FROM events WHERE status = 'pending' AND (claimed_until IS NULL OR claimed_until < $1) \
         ORDER BY received_at LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    let mut decided = 0;
    for row in rows {
        let id: String = row.try_get("id")?;
        let claimed = db
            .execute_write(
                sqlx::query(
                    "UPDATE events SET claimed_until = $1 WHERE id = $2 AND status = 'pending' \
                     AND (claimed_until IS NULL OR claimed_until < $3)",
                )
                .bind(now + claim_ms)
                .bind(&id)
                .bind(now),
            )
            .await?;
        if claimed.rows_affected() == 1 {
            match route_one(state, &id).await {
                Ok(()) => decided += 1,
                Err(e) => {
                    // Nothing of it was committed; try again shortly rather than after the whole claim.
                    tracing::warn!(event = %id, error = %e, "routing an event failed; retrying shortly");
                    db.execute_write(
                        sqlx::query("UPDATE events SET claimed_until = $1 WHERE id = $2 AND status = 'pending'")
                            .bind(now_ms() + RETRY_MS)
                            .bind(&id),
                    )
                    .await?;
                }
            }
        }
    }
    Ok(decided)
}

/// What the router decided for one event.
struct Decision {
    status: &'static str,
    reason: String,
    setting_id: Option<String>,
    invitation_id: Option<String>,
    contact_id: Option<String>,
}

impl Decision {
    fn skipped(reason: impl Into<String>, contact_id: Option<String>) -> Self {
        Decision { status: "skipped", reason: reason.into(), setting_id: None, invitation_id: None, contact_id }
    }
}

async fn route_one(state: &AppState, event_id: &str) -> Result<(), AppError> {
    let db = &state.db;
    let row = sqlx::query(
        "SELECT e.organization_id, e.channel_id, e.event_type_id, e.type, e.transaction_reference, e.body, \
         e.received_at, t.active AS type_active FROM events e LEFT JOIN event_types t ON t.id = e.event_type_id \
         WHERE e.id = $1",
    )
    .bind(event_id)
    .fetch_one(db.pool())
    .await?;
    let org_id: String = row.try_get("organization_id")?;
    let channel_id: String = row.try_get("channel_id")?;
    let event_type_id: String = row.try_get("event_type_id")?;
    let kind: String = row.try_get("type")?;
    let reference: String = row.try_get("transaction_reference")?;
    let received_at: i64 = row.try_get("received_at")?;
    let type_active: Option<i64> = row.try_get("type_active")?;
    let body: Value = json_column(&row, "body")?;
    let event: EventInput = serde_json::from_value(body.clone())?;
    let settings = invite_settings::candidates(db, &org_id, &channel_id, &event_type_id).await?;

    let mut tx = db.begin_write().await?;
    let customer = event.customer.clone().unwrap_or_default();
    let contact_input = ContactInput {
        email: customer.email.clone(),
        external_id: customer.reference.clone(),
        phone: None,
        first_name: customer.first_name.clone(),
        last_name: customer.last_name.clone(),
        locale: event.default_locale.clone(),
        attributes: None,
        opted_out: None,
    };
    let contact = if contact_input.normalized_email().is_some() || contact_input.external_id.is_some() {
        match contacts::upsert_in(&mut tx, &org_id, &contact_input, "customer").await {
            Ok((id, _)) => Some(id),
            // E.g. the email belongs to one contact and the reference to another: route without merging them.
            Err(AppError::Validation { .. }) => None,
            Err(e) => return Err(e),
        }
    } else {
        None
    };
    let opted_out = match &contact {
        Some(id) => {
            sqlx::query("SELECT opted_out FROM contacts WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?
                .try_get::<i64, _>("opted_out")?
                != 0
        }
        None => false,
    };

    let decision = if type_active != Some(1) {
        Decision::skipped(format!("inactive: the event type {kind:?} is not active"), contact.clone())
    } else if opted_out {
        Decision::skipped("opted_out: the customer asked not to be surveyed", contact.clone())
    } else {
        match choose(&settings, &body) {
            Err(why) => Decision::skipped(why, contact.clone()),
            Ok(setting) => {
                let survey_ok = sqlx::query("SELECT status FROM surveys WHERE id = $1 AND organization_id = $2")
                    .bind(setting.survey_id.clone())
                    .bind(&org_id)
                    .fetch_optional(&mut *tx)
                    .await?
                    .map(|r| r.try_get::<String, _>("status"))
                    .transpose()?;
                match (survey_ok.as_deref(), &contact, customer.email.as_deref()) {
                    (Some(s), _, _) if s != SurveyStatus::Published.as_str() => Decision::skipped(
                        format!("survey_not_published: {} is {s}", setting.survey_id.clone().unwrap_or_default()),
                        contact.clone(),
                    ),
                    (None, _, _) => {
                        Decision::skipped("no_survey: the setting's survey no longer exists", contact.clone())
                    }
                    (_, None, _) | (_, _, None) => {
                        Decision::skipped("no_email: the customer has no email address to send to", contact.clone())
                    }
                    (Some(_), Some(contact_id), Some(_)) if quota_reached(state, &mut tx, &org_id).await? => {
                        Decision::skipped(
                            "quota_exceeded: the organisation's daily invitation quota is used up",
                            Some(contact_id.clone()),
                        )
                    }
                    (Some(_), Some(contact_id), Some(_)) => {
                        let send_at = send_time(&setting, &event, received_at);
                        let dedupe = format!("{org_id}|{event_type_id}|{reference}|{contact_id}");
                        let new = NewInvitation {
                            org_id: &org_id,
                            survey_id: setting.survey_id.as_deref().unwrap_or_default(),
                            contact_id,
                            event_id: Some(event_id),
                            distribution_id: None,
                            locale: event.default_locale.as_deref(),
                            metadata: prefill(&event, &kind),
                            send_at,
                            dedupe_key: Some(&dedupe),
                        };
                        match invitations::create_in(&mut tx, &new).await? {
                            Some(invitation_id) => Decision {
                                status: "scheduled",
                                reason: format!("matched {}", explain(&setting)),
                                setting_id: Some(setting.id.clone()),
                                invitation_id: Some(invitation_id),
                                contact_id: contact.clone(),
                            },
                            None => {
                                let first = invitations::id_for_dedupe_key(&mut tx, &dedupe).await?;
                                Decision::skipped(
                                    format!(
                                        "duplicate: transaction {reference:?} of {kind:?} already invited this customer ({})",
                                        first.unwrap_or_default()
                                    ),
                                    contact.clone(),
                                )
                            }
                        }
                    }
                }
            }
        }
    };
    sqlx::query(
        "UPDATE events SET status = $1, reason = $2, invite_setting_id = $3, invitation_id = $4, contact_id = $5, \
         processed_at = $6, claimed_until = NULL WHERE id = $7",
    )
    .bind(decision.status)
    .bind(&decision.reason)
    .bind(decision.setting_id)
    .bind(decision.invitation_id)
    .bind(decision.contact_id)
    .bind(now_ms())
    .bind(event_id)
    .execute(&mut *tx)
    .await?;
    Ok(tx.commit().await?)
}

/// Whether one more invitation would go over the organisation's daily quota.
async fn quota_reached(state: &AppState, tx: &mut sqlx::AnyConnection, org_id: &str) -> Result<bool, AppError> {
    match mail_quota::check(state, tx, org_id, 1).await {
        Ok(()) => Ok(false),
        Err(AppError::QuotaExceeded { .. }) => Ok(true),
        Err(e) => Err(e),
    }
}

/// The first active setting (in priority order) with a survey whose
/// conditions hold; otherwise why none applies.
fn choose<'a>(settings: &'a [InviteSetting], event: &Value) -> Result<&'a InviteSetting, String> {
    let mut notes = Vec::new();
    for setting in settings {
        if !setting.active {
            notes.push(format!("{} inactive", setting.id));
        } else if setting.survey_id.is_none() {
            notes.push(format!("{} has no survey", setting.id));
        } else if !all_hold(&setting.conditions, event) {
            let failed: Vec<String> =
                setting.conditions.iter().filter(|c| !c.holds(event)).map(|c| c.describe()).collect();
            notes.push(format!("{} conditions not met: {}", setting.id, failed.join(", ")));
        } else {
            return Ok(setting);
        }
    }
    let all_inactive = !settings.is_empty() && settings.iter().all(|s| !s.active);
    let code = if all_inactive { "inactive" } else { "no_matching_setting" };
    if notes.is_empty() {
        Err(format!("{code}: no invite setting for this channel and event type"))
    } else {
        Err(format!("{code}: {}", notes.join("; ")))
    }
}

fn explain(setting: &InviteSetting) -> String {
    let mut text = format!("invite setting {} (priority {})", setting.id, setting.priority);
    if !setting.conditions.is_empty() {
        let conditions: Vec<String> = setting.conditions.iter().map(|c| c.describe()).collect();
        text.push_str(&format!(" on {}", conditions.join(" and ")));
    }
    text
}

/// When the invitation goes out: the delay after the event (or the
/// estimated delivery), moved into the send window, never in the past.
fn send_time(setting: &InviteSetting, event: &EventInput, received_at: i64) -> i64 {
    let received = crate::backend::db::to_datetime(received_at);
    let event_time =
        event.transaction.as_ref().and_then(|t| t.date.as_deref()).and_then(parse_instant).unwrap_or(received);
    let base = match setting.delay_from {
        DelayFrom::Event => event_time,
        DelayFrom::EstimatedDeliveryDate => {
            event.estimated_delivery_date.as_deref().and_then(parse_instant).unwrap_or(event_time)
        }
    };
    let due = (base + Duration::minutes(setting.delay_minutes)).max(Utc::now());
    let due = match &setting.send_window {
        Some(window) => into_window(due, window),
        None => due,
    };
    due.timestamp_millis()
}

/// The first moment at or after `t` whose local hour is inside the window.
pub fn into_window(t: DateTime<Utc>, window: &SendWindow) -> DateTime<Utc> {
    let tz: chrono_tz::Tz = window.time_zone.parse().unwrap_or(chrono_tz::UTC);
    let mut candidate = t;
    for _ in 0..50 {
        let local = candidate.with_timezone(&tz);
        if window.contains_hour(local.hour()) {
            return candidate;
        }
        // On to the start of the next local hour (DST gaps are simply skipped).
        let next_hour =
            local.naive_local().date().and_hms_opt(local.hour(), 0, 0).expect("valid hour") + Duration::hours(1);
        candidate = match tz.from_local_datetime(&next_hour).earliest() {
            Some(t) => t.with_timezone(&Utc),
            None => candidate + Duration::hours(1),
        };
    }
    t
}

/// What the response inherits from the event: the transaction, the event
/// type, the products and the event's own metadata (flat values only).
fn prefill(event: &EventInput, kind: &str) -> Map<String, Value> {
    let mut metadata = Map::new();
    if let Some(own) = &event.metadata {
        metadata.extend(own.clone());
    }
    metadata.insert("eventType".into(), Value::String(kind.into()));
    if let Some(reference) = event.transaction.as_ref().and_then(|t| t.reference.clone()) {
        metadata.insert("transactionReference".into(), Value::String(reference));
    }
    if let Some(products) = &event.products {
        for (key, field) in [("productSkus", "sku"), ("productNames", "name"), ("productBrands", "brand")] {
            let joined: Vec<&str> = products.iter().filter_map(|p| p.get(field).and_then(Value::as_str)).collect();
            if !joined.is_empty() {
                let text: String = joined.join(", ").chars().take(crate::domain::response::MAX_VALUE_LEN).collect();
                metadata.insert(key.into(), Value::String(text));
            }
        }
    }
    metadata
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_move_sending_to_local_hours() {
        let window = SendWindow { start_hour: 9, end_hour: 20, time_zone: "Europe/Athens".into() };
        // 03:30 UTC is 05:30 in Athens (winter, UTC+2): wait until 09:00 local = 07:00 UTC.
        let t = Utc.with_ymd_and_hms(2026, 11, 25, 3, 30, 0).unwrap();
        assert_eq!(into_window(t, &window), Utc.with_ymd_and_hms(2026, 11, 25, 7, 0, 0).unwrap());
        // Inside the window: unchanged.
        let t = Utc.with_ymd_and_hms(2026, 11, 25, 10, 15, 0).unwrap();
        assert_eq!(into_window(t, &window), t);
        // After hours: the next morning.
        let t = Utc.with_ymd_and_hms(2026, 11, 25, 19, 0, 0).unwrap();
        assert_eq!(into_window(t, &window), Utc.with_ymd_and_hms(2026, 11, 26, 7, 0, 0).unwrap());
    }
}
