//! Responses read back by the organisation that owns the survey (listed,
//! one in detail, deleted). The area holds everything about a response:
//! how it arrives and is continued by its respondent (`intake`, the one
//! way in), how it is filtered, indexed by answer, counted for the overview
//! (and per day), exported, and deleted when retention says so.

pub mod analytics;
pub mod answer_index;
pub mod export;
pub mod filter;
pub mod intake;
pub mod notes;
pub mod overview_days;
pub mod retention;
pub mod tags;

use crate::backend::db::{json_column, to_datetime, Db};
use crate::backend::webhook_outbox;
use crate::backend::AppState;
use crate::domain::ids::{is_valid, IdKind};
use crate::domain::page::{PageRequest, Paginated};
use crate::domain::response::SurveyResponse;
use crate::domain::AppError;
use sqlx::any::AnyRow;
use sqlx::Row;

pub(crate) const COLUMNS: &str = "id, survey_id, answers, metadata, hidden_fields, contact_id, completed, \
    created_at, updated_at, completed_at, language, survey_version, variables, ending";

use crate::backend::services::events_router::events;
use crate::backend::services::organization::audit;
use crate::backend::services::outreach::contacts;
use crate::backend::services::outreach::invitations;
use crate::backend::services::responses::filter::bind_all;
pub use crate::backend::services::responses::filter::{ResponseFilter, MAX_METADATA_FILTERS};
use crate::backend::services::surveys;
use crate::backend::services::webhooks::deliveries;

/// How metadata values are compared: strings as they are, numbers and
/// booleans as their JSON text (`42`, `true`).
pub fn metadata_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

pub(crate) fn from_row(row: &AnyRow) -> Result<SurveyResponse, AppError> {
    let completed: i64 = row.try_get("completed")?;
    let completed_at: Option<i64> = row.try_get("completed_at")?;
    Ok(SurveyResponse {
        id: row.try_get("id")?,
        survey_id: row.try_get("survey_id")?,
        answers: json_column(row, "answers")?,
        metadata: json_column(row, "metadata")?,
        hidden_fields: json_column(row, "hidden_fields")?,
        contact_id: row.try_get("contact_id")?,
        completed: completed != 0,
        created_at: to_datetime(row.try_get("created_at")?),
        updated_at: to_datetime(row.try_get("updated_at")?),
        completed_at: completed_at.map(to_datetime),
        language: row.try_get("language")?,
        // Answered before versions were kept: under the first.
        survey_version: row.try_get::<Option<i64>, _>("survey_version")?.unwrap_or(1),
        variables: match row.try_get::<Option<String>, _>("variables")? {
            Some(text) => serde_json::from_str(&text)?,
            None => Default::default(),
        },
        ending: row.try_get("ending")?,
        tags: None,
    })
}

pub async fn list(
    db: &Db,
    org_id: &str,
    survey_id: &str,
    filter: &ResponseFilter,
    page: PageRequest,
) -> Result<Paginated<SurveyResponse>, AppError> {
    let survey = surveys::get(db, org_id, survey_id).await?;
    let (condition, params) = filter.resolved(&survey.questions)?.to_sql(org_id, survey_id);
    let n = params.len();
    let sql = format!(
        "SELECT {COLUMNS} FROM responses WHERE {condition} ORDER BY {} LIMIT ${} OFFSET ${}",
        filter.sort.order_by(),
        n + 1,
        n + 2
    );
    let rows = bind_all(sqlx::query(&sql), &params)
        .bind(i64::from(page.per_page))
        .bind(page.offset())
        .fetch_all(db.pool())
        .await?;
    let count_sql = format!("SELECT COUNT(*) AS n FROM responses WHERE {condition}");
    let total: i64 = bind_all(sqlx::query(&count_sql), &params).fetch_one(db.pool()).await?.try_get("n")?;
    let mut data: Vec<SurveyResponse> = rows.iter().map(from_row).collect::<Result<_, _>>()?;
    tags::fill_in(db, &mut data).await?;
    Ok(Paginated::new(data, page, total))
}

/// A response found by id alone, with its organisation (for respondents,
/// who have no organisation; callers must have proved their right to it).
pub async fn get_any(db: &Db, id: &str) -> Result<(String, SurveyResponse), AppError> {
    if !is_valid(IdKind::Response, id) {
        return Err(AppError::not_found("response"));
    }
    let row = sqlx::query(&format!("SELECT organization_id, {COLUMNS} FROM responses WHERE id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .ok_or_else(|| AppError::not_found("response"))?;
    Ok((row.try_get("organization_id")?, from_row(&row)?))
}

/// A response of the organisation, with its tags.
pub async fn get(db: &Db, org_id: &str, id: &str) -> Result<SurveyResponse, AppError> {
    let mut response = [get_untagged(db, org_id, id).await?];
    tags::fill_in(db, &mut response).await?;
    let [response] = response;
    Ok(response)
}

/// A response of the organisation, without reading its tags.
pub async fn get_untagged(db: &Db, org_id: &str, id: &str) -> Result<SurveyResponse, AppError> {
    if !is_valid(IdKind::Response, id) {
        return Err(AppError::not_found("response"));
    }
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM responses WHERE id = $1 AND organization_id = $2"))
        .bind(id)
        .bind(org_id)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(from_row).transpose()?.ok_or_else(|| AppError::not_found("response"))
}

/// Deletes a response (and its metadata rows); subscribers hear of it.
pub async fn delete(state: &AppState, org_id: &str, actor: &audit::Actor, id: &str) -> Result<(), AppError> {
    let response = get(&state.db, org_id, id).await?;
    let mut tx = state.db.begin_write().await?;
    sqlx::query("DELETE FROM responses WHERE id = $1 AND organization_id = $2")
        .bind(id)
        .bind(org_id)
        .execute(&mut *tx)
        .await?;
    overview_days::day_changed(&mut tx, &response.survey_id, response.created_at.timestamp_millis()).await?;
    // Copies of the answers in the delivery log go too; undelivered ones carry only the ids now.
    let redacted = serde_json::json!({ "id": response.id, "surveyId": response.survey_id, "redacted": true });
    let earlier =
        sqlx::query("SELECT id, event FROM webhook_deliveries WHERE organization_id = $1 AND subject_id = $2")
            .bind(org_id)
            .bind(id)
            .fetch_all(&mut *tx)
            .await?;
    for row in earlier {
        let (delivery, event): (String, String) = (row.try_get("id")?, row.try_get("event")?);
        sqlx::query("UPDATE webhook_deliveries SET payload = $1 WHERE id = $2")
            .bind(webhook_outbox::envelope(&event, &redacted, false))
            .bind(&delivery)
            .execute(&mut *tx)
            .await?;
    }
    let data = serde_json::json!({ "id": response.id, "surveyId": response.survey_id });
    let queued =
        webhook_outbox::enqueue(&mut tx, org_id, Some(&response.survey_id), "survey.response.deleted", &data, &data)
            .await?;
    audit::record_in(
        &mut tx,
        org_id,
        actor,
        crate::domain::audit::AuditAction::ResponseDeleted,
        audit::target("response", id),
        serde_json::json!({"surveyId": response.survey_id}),
    )
    .await?;
    tx.commit().await?;
    if queued > 0 {
        state.webhook_wakeup.notify_one();
    }
    Ok(())
}

/// One response with its contact, invitation, event and webhook deliveries.
pub async fn detail(
    db: &Db,
    org_id: &str,
    id: &str,
) -> Result<crate::domain::response_detail::ResponseDetail, AppError> {
    let response = get(db, org_id, id).await?;
    let contact = match &response.contact_id {
        Some(contact) => contacts::get(db, org_id, contact).await.ok(),
        None => None,
    };
    let invitation_id: Option<String> = sqlx::query("SELECT invitation_id FROM responses WHERE id = $1")
        .bind(id)
        .fetch_one(db.pool())
        .await?
        .try_get("invitation_id")?;
    let invitation = match invitation_id {
        Some(invitation) => invitations::get(db, org_id, &invitation).await.ok(),
        None => None,
    };
    let event = match invitation.as_ref().and_then(|i| i.event_id.clone()) {
        Some(event) => events::get(db, org_id, &event).await.ok(),
        None => None,
    };
    let deliveries = deliveries::for_subject(db, org_id, id).await?;
    // The questions as the respondent saw them; the survey's own for a
    // response older than the versions.
    let questions = match surveys::versions::questions_of(db, &response.survey_id, response.survey_version).await? {
        Some(questions) => questions,
        None => surveys::get(db, org_id, &response.survey_id).await?.questions,
    };
    Ok(crate::domain::response_detail::ResponseDetail { response, questions, contact, invitation, event, deliveries })
}
