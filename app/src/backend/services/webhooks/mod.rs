//! Webhook endpoints (both API families over one table), their delivery log
//! and queue. Deliveries are recorded by `backend::webhook_outbox` in the
//! transaction of the change they report; sending is the worker's job
//! (`server::worker`).

pub mod deliveries;
pub mod queue;
pub mod sender;

use crate::backend::db::{new_id, now_ms, to_datetime, Db};
use crate::backend::services::organization::audit::{self, Actor};
use crate::backend::services::surveys;
use crate::backend::signing::generate_secret;
use crate::backend::webhook_outbox::{envelope, insert_delivery};
use crate::backend::AppState;
use crate::domain::audit::AuditAction;
use crate::domain::error::Problems;
use crate::domain::ids::{is_valid, IdKind};
use crate::domain::webhook::{
    check_secret, validate_endpoint, CreatedWebhook, Delivery, IntegrationWebhook, IntegrationWebhookInput, NewWebhook,
    SurveyWebhook, SurveyWebhookInput, WebhookPatch, WebhookView,
};
use crate::domain::AppError;
use serde_json::{json, Value};
use sqlx::any::AnyRow;
use sqlx::Row;

/// Which family an endpoint belongs to; a lookup in the wrong one is "not found".
#[derive(Clone, Copy, Debug)]
pub enum Family<'a> {
    Survey(&'a str),
    Organization,
    /// Either family (the dashboard shows both together).
    Any,
}

/// An endpoint as stored (secret excluded).
#[derive(Clone, Debug)]
pub struct Endpoint {
    pub id: String,
    pub survey_id: Option<String>,
    pub name: String,
    pub url: String,
    pub events: Vec<String>,
    pub enabled: bool,
    pub thin_payload: bool,
    pub disabled_reason: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Endpoint {
    pub fn into_survey_shape(self, secret: Option<String>) -> SurveyWebhook {
        SurveyWebhook {
            id: self.id,
            survey_id: self.survey_id.unwrap_or_default(),
            name: self.name,
            url: self.url,
            events: self.events,
            is_active: self.enabled,
            thin_payload: self.thin_payload,
            disabled_reason: self.disabled_reason,
            created_at: to_datetime(self.created_at),
            updated_at: to_datetime(self.updated_at),
            secret,
        }
    }

    pub fn into_integration_shape(self, secret: Option<String>) -> IntegrationWebhook {
        IntegrationWebhook {
            id: self.id,
            url: self.url,
            events: self.events,
            enabled: self.enabled,
            thin_payload: self.thin_payload,
            disabled_reason: self.disabled_reason,
            created_at: to_datetime(self.created_at),
            updated_at: to_datetime(self.updated_at),
            secret,
        }
    }
}

impl From<Endpoint> for WebhookView {
    fn from(e: Endpoint) -> Self {
        WebhookView {
            id: e.id,
            survey_id: e.survey_id,
            name: e.name,
            url: e.url,
            events: e.events,
            enabled: e.enabled,
            disabled_reason: e.disabled_reason,
            created_at: to_datetime(e.created_at),
        }
    }
}

/// Creates a webhook from the dashboard: for one survey, or organisation-wide.
/// The secret is always generated and returned this once.
pub async fn create_from_dashboard(
    state: &AppState,
    org_id: &str,
    actor: &Actor,
    input: NewWebhook,
) -> Result<CreatedWebhook, AppError> {
    match input.survey_id {
        Some(survey_id) => {
            let input =
                SurveyWebhookInput { name: input.name, url: input.url, events: input.events, ..Default::default() };
            let mut created = create_for_survey(state, org_id, actor, &survey_id, input).await?;
            let secret = created.secret.take().unwrap_or_default();
            let webhook = get(&state.db, org_id, Family::Any, &created.id).await?.into();
            Ok(CreatedWebhook { webhook, secret })
        }
        None => {
            let input = IntegrationWebhookInput { url: input.url, events: input.events, ..Default::default() };
            let mut created = create_for_organization(state, org_id, actor, input).await?;
            let secret = created.secret.take().unwrap_or_default();
            let webhook = get(&state.db, org_id, Family::Any, &created.id).await?.into();
            Ok(CreatedWebhook { webhook, secret })
        }
    }
}

const ENDPOINT_COLUMNS: &str =
    "id, survey_id, name, url, events, enabled, thin_payload, disabled_reason, created_at, updated_at";

fn endpoint_from_row(row: &AnyRow) -> Result<Endpoint, AppError> {
    let events: String = row.try_get("events")?;
    Ok(Endpoint {
        id: row.try_get("id")?,
        survey_id: row.try_get("survey_id")?,
        name: row.try_get("name")?,
        url: row.try_get("url")?,
        events: events.split_whitespace().map(str::to_string).collect(),
        enabled: row.try_get::<i64, _>("enabled")? != 0,
        thin_payload: row.try_get::<i64, _>("thin_payload")? != 0,
        disabled_reason: row.try_get("disabled_reason")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// Refuses receivers the SSRF guard would refuse at send time, so people
/// learn it when saving rather than from a failed delivery.
async fn check_reachable(state: &AppState, url: &str) -> Result<(), AppError> {
    let parsed = url::Url::parse(url.trim()).map_err(|_| AppError::field("url", "is not a valid URL"))?;
    state.net_guard.check_on_save(&parsed).await.map_err(|e| AppError::field("url", e))
}

async fn insert_endpoint(
    state: &AppState,
    org_id: &str,
    survey_id: Option<&str>,
    name: &str,
    url: &str,
    events: &[String],
    enabled: bool,
    thin_payload: bool,
    secret: &str,
) -> Result<Endpoint, AppError> {
    let id = new_id(IdKind::WebhookEndpoint);
    let now = now_ms();
    sqlx::query(
        "INSERT INTO webhook_endpoints (id, organization_id, survey_id, name, url, events, enabled, thin_payload, \
         secret_sealed, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
    )
    .bind(&id)
    .bind(org_id)
    .bind(survey_id)
    .bind(name)
    .bind(url.trim())
    .bind(events.join(" "))
    .bind(i64::from(enabled))
    .bind(i64::from(thin_payload))
    .bind(state.secrets.seal(secret))
    .bind(now)
    .execute(state.db.pool())
    .await?;
    get(&state.db, org_id, family_of(survey_id), &id).await
}

fn family_of(survey_id: Option<&str>) -> Family<'_> {
    survey_id.map_or(Family::Organization, Family::Survey)
}

/// Creates a survey's webhook. The secret is the customer's, or generated
/// and returned this once.
pub async fn create_for_survey(
    state: &AppState,
    org_id: &str,
    actor: &Actor,
    survey_id: &str,
    input: SurveyWebhookInput,
) -> Result<SurveyWebhook, AppError> {
    surveys::get(&state.db, org_id, survey_id).await?;
    let mut problems = Problems::default();
    crate::domain::survey::check_text(&mut problems, "name".into(), &input.name, 200);
    if let Some(secret) = &input.secret {
        check_secret(&mut problems, "secret", secret);
    }
    let events = match validate_endpoint(&input.url, &input.events, state.config.webhook_allow_http) {
        Ok(events) => events,
        Err(AppError::Validation { errors }) => {
            errors.into_iter().for_each(|e| problems.add(e.field, e.message));
            vec![]
        }
        Err(e) => return Err(e),
    };
    problems.into_result()?;
    check_reachable(state, &input.url).await?;
    let generated = input.secret.is_none();
    let secret = input.secret.unwrap_or_else(generate_secret);
    let endpoint = insert_endpoint(
        state,
        org_id,
        Some(survey_id),
        input.name.trim(),
        &input.url,
        &events,
        input.is_active.unwrap_or(true),
        input.thin_payload.unwrap_or(false),
        &secret,
    )
    .await?;
    record(
        state,
        org_id,
        actor,
        AuditAction::WebhookCreated,
        &endpoint,
        json!({"url": endpoint.url, "events": endpoint.events}),
    )
    .await;
    Ok(endpoint.into_survey_shape(generated.then_some(secret)))
}

/// Creates an organisation-wide webhook; its generated secret is returned this once.
pub async fn create_for_organization(
    state: &AppState,
    org_id: &str,
    actor: &Actor,
    input: IntegrationWebhookInput,
) -> Result<IntegrationWebhook, AppError> {
    let events = validate_endpoint(&input.url, &input.events, state.config.webhook_allow_http)?;
    check_reachable(state, &input.url).await?;
    let secret = generate_secret();
    let endpoint = insert_endpoint(
        state,
        org_id,
        None,
        "",
        &input.url,
        &events,
        input.enabled.unwrap_or(true),
        input.thin_payload.unwrap_or(false),
        &secret,
    )
    .await?;
    record(
        state,
        org_id,
        actor,
        AuditAction::WebhookCreated,
        &endpoint,
        json!({"url": endpoint.url, "events": endpoint.events}),
    )
    .await;
    Ok(endpoint.into_integration_shape(Some(secret)))
}

/// The condition selecting one family, using parameter `$n` (bound to the
/// returned value: the survey id, or NULL for the organisation family).
fn family_clause(family: Family<'_>, n: usize) -> (String, Option<&str>) {
    match family {
        Family::Survey(id) => (format!("survey_id = ${n}"), Some(id)),
        Family::Organization => (format!("survey_id IS NULL AND ${n} IS NULL"), None),
        Family::Any => (format!("${n} IS NULL"), None),
    }
}

pub async fn get(db: &Db, org_id: &str, family: Family<'_>, id: &str) -> Result<Endpoint, AppError> {
    if !is_valid(IdKind::WebhookEndpoint, id) {
        return Err(AppError::not_found("webhook"));
    }
    let (clause, survey) = family_clause(family, 3);
    let row = sqlx::query(&format!(
        "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id = $1 AND organization_id = $2 AND {clause}"
    ))
    .bind(id)
    .bind(org_id)
    .bind(survey)
    .fetch_optional(db.pool())
    .await?;
    row.as_ref().map(endpoint_from_row).transpose()?.ok_or_else(|| AppError::not_found("webhook"))
}

pub async fn list(db: &Db, org_id: &str, family: Family<'_>) -> Result<Vec<Endpoint>, AppError> {
    if let Family::Survey(survey_id) = family {
        surveys::get(db, org_id, survey_id).await?;
    }
    let (clause, survey) = family_clause(family, 2);
    let rows = sqlx::query(&format!(
        "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE organization_id = $1 AND {clause} \
         ORDER BY created_at DESC, id DESC"
    ))
    .bind(org_id)
    .bind(survey)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(endpoint_from_row).collect()
}

pub async fn update(
    state: &AppState,
    org_id: &str,
    actor: &Actor,
    family: Family<'_>,
    id: &str,
    patch: WebhookPatch,
) -> Result<Endpoint, AppError> {
    let current = get(&state.db, org_id, family, id).await?;
    let url = patch.url.unwrap_or(current.url.clone());
    let events = patch.events.unwrap_or(current.events.clone());
    let mut problems = Problems::default();
    let name = patch.name.unwrap_or(current.name.clone());
    if current.survey_id.is_some() {
        crate::domain::survey::check_text(&mut problems, "name".into(), &name, 200);
    }
    let events = match validate_endpoint(&url, &events, state.config.webhook_allow_http) {
        Ok(events) => events,
        Err(AppError::Validation { errors }) => {
            errors.into_iter().for_each(|e| problems.add(e.field, e.message));
            vec![]
        }
        Err(e) => return Err(e),
    };
    problems.into_result()?;
    if url != current.url {
        check_reachable(state, &url).await?;
    }
    let enabled = patch.enabled.unwrap_or(current.enabled);
    let reenabled = enabled && !current.enabled;
    // Turning an endpoint back on clears why it was turned off.
    let reason = if enabled { None } else { current.disabled_reason.clone() };
    let mut tx = state.db.begin_write().await?;
    sqlx::query(
        "UPDATE webhook_endpoints SET name = $1, url = $2, events = $3, enabled = $4, thin_payload = $5, \
         disabled_reason = $6, failing_since = CASE WHEN $10 = 1 THEN NULL ELSE failing_since END, updated_at = $7 \
         WHERE id = $8 AND organization_id = $9",
    )
    .bind(&name)
    .bind(url.trim())
    .bind(events.join(" "))
    .bind(i64::from(enabled))
    .bind(i64::from(patch.thin_payload.unwrap_or(current.thin_payload)))
    .bind(reason)
    .bind(now_ms())
    .bind(id)
    .bind(org_id)
    .bind(i64::from(reenabled))
    .execute(&mut *tx)
    .await?;
    if !enabled && current.enabled {
        // Nothing is sent to a disabled endpoint; what was queued fails now.
        queue::fail_pending(&mut tx, id).await?;
    }
    tx.commit().await?;
    let updated = get(&state.db, org_id, family, id).await?;
    let changes = json!({
        "url": (updated.url != current.url).then_some(&updated.url),
        "events": (updated.events != current.events).then_some(&updated.events),
        "enabled": (updated.enabled != current.enabled).then_some(updated.enabled),
    });
    record(state, org_id, actor, AuditAction::WebhookUpdated, &updated, changes).await;
    Ok(updated)
}

async fn record(
    state: &AppState,
    org_id: &str,
    actor: &Actor,
    action: AuditAction,
    endpoint: &Endpoint,
    details: Value,
) {
    audit::record(&state.db, org_id, actor, action, audit::target("webhook", &endpoint.id), details).await;
}

/// Deletes the endpoint and, through the foreign keys, its delivery history.
pub async fn delete(
    state: &AppState,
    org_id: &str,
    actor: &Actor,
    family: Family<'_>,
    id: &str,
) -> Result<(), AppError> {
    let endpoint = get(&state.db, org_id, family, id).await?;
    state
        .db
        .execute_write(
            sqlx::query("DELETE FROM webhook_endpoints WHERE id = $1 AND organization_id = $2").bind(id).bind(org_id),
        )
        .await?;
    record(state, org_id, actor, AuditAction::WebhookDeleted, &endpoint, json!({"url": endpoint.url})).await;
    Ok(())
}

/// Replaces the secret; the old one stops signing at once.
pub async fn rotate_secret(
    state: &AppState,
    org_id: &str,
    actor: &Actor,
    family: Family<'_>,
    id: &str,
) -> Result<(Endpoint, String), AppError> {
    let endpoint = get(&state.db, org_id, family, id).await?;
    let secret = generate_secret();
    sqlx::query(
        "UPDATE webhook_endpoints SET secret_sealed = $1, updated_at = $2 WHERE id = $3 AND organization_id = $4",
    )
    .bind(state.secrets.seal(&secret))
    .bind(now_ms())
    .bind(id)
    .bind(org_id)
    .execute(state.db.pool())
    .await?;
    record(state, org_id, actor, AuditAction::WebhookSecretRotated, &endpoint, json!({})).await;
    Ok((endpoint, secret))
}

pub(super) fn disabled_conflict() -> AppError {
    AppError::Conflict { code: "webhook_disabled".into(), message: "the webhook is disabled; enable it first".into() }
}

/// A test event with sample data, through the same pipeline as real ones.
pub async fn send_test(
    state: &AppState,
    org_id: &str,
    family: Family<'_>,
    id: &str,
    event: Option<&str>,
) -> Result<Delivery, AppError> {
    let endpoint = get(&state.db, org_id, family, id).await?;
    if !endpoint.enabled {
        return Err(disabled_conflict());
    }
    let event = match event {
        None => "survey.response.completed",
        Some(name) => crate::domain::webhook::canonical_event(name)
            .ok_or_else(|| AppError::field("event", "unknown event type"))?,
    };
    let sample = json!({
        "id": "rsp_00000000000000000000000000",
        "surveyId": endpoint.survey_id.clone().unwrap_or_else(|| "srv_00000000000000000000000000".into()),
        "answers": {"q1": 9}, "metadata": {"orderId": "TEST-1"}, "completed": true,
    });
    let mut conn = state.db.pool().acquire().await?;
    let delivery_id =
        insert_delivery(&mut conn, org_id, &endpoint.id, event, &envelope(event, &sample, true), true, None, now_ms())
            .await?;
    drop(conn);
    state.webhook_wakeup.notify_one();
    deliveries::get_delivery(&state.db, org_id, family, id, &delivery_id).await
}
