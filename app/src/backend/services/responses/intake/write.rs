//! The intake's one write path: what a checked arrival writes inside a
//! group-commit batch (see `group_commit`). Each job may run twice (a batch
//! with a failing job is replayed), so it only reads what it is given.

use super::Checked;
use crate::backend::db::to_datetime;
use crate::backend::services::outreach::{contacts, invitations};
use crate::backend::services::responses::{answer_index, metadata_text, COLUMNS};
use crate::backend::sql_batch::SqlBatch;
use crate::backend::webhook_outbox::{self, Subscriber};
use crate::domain::response::{Responder, ResponseInput, SurveyResponse};
use crate::domain::survey::Question;
use crate::domain::AppError;
use serde_json::{Map, Value};

/// The ids-only form of a response event, for endpoints with thin payloads.
fn thin(response: &SurveyResponse) -> Value {
    serde_json::json!({ "id": response.id, "surveyId": response.survey_id, "completed": response.completed })
}

/// A checked response, ready to store.
pub(super) struct NewResponse {
    pub(super) id: String,
    pub(super) organization_id: String,
    pub(super) survey_id: String,
    pub(super) questions: Vec<Question>,
    /// The published version the answers were checked against.
    pub(super) survey_version: i64,
    pub(super) created_at: i64,
    pub(super) input: ResponseInput,
    /// What the survey's logic calculated, and the ending it reached.
    pub(super) variables: Map<String, Value>,
    pub(super) ending: Option<String>,
    pub(super) invitation: Option<invitations::LinkedInvitation>,
}

/// Writes a new response with its index rows, invitation link and webhook
/// deliveries to `subscribers` (the outbox: they commit together, or not at
/// all). Returns the response and how many deliveries were queued. Takes
/// `new` by reference because group commit may run it again.
pub(super) async fn store_new(
    tx: &mut sqlx::AnyConnection,
    new: &NewResponse,
    subscribers: &[Subscriber],
) -> Result<(SurveyResponse, usize), AppError> {
    let (id, org_id, survey_id, now, input) =
        (&new.id, &new.organization_id, &new.survey_id, new.created_at, &new.input);
    let invitation = new.invitation.as_ref();
    let contact_id = match (invitation, &input.responder) {
        (Some(linked), _) => Some(linked.invitation.contact_id.clone()),
        (None, Some(responder)) => Some(contacts::upsert_responder(tx, org_id, responder).await?),
        (None, None) => None,
    };
    // The response and its index rows: one round trip on SQLite (see `sql_batch`).
    let mut batch = SqlBatch::default();
    batch.push(
        format!(
            "INSERT INTO responses (organization_id, {COLUMNS}, answers_indexed, invitation_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $11, $7, $8, $8, $9, $10, $13, $14, $15, 1, $12)"
        ),
        vec![
            org_id.as_str().into(),
            id.as_str().into(),
            survey_id.as_str().into(),
            serde_json::to_string(&input.answers)?.into(),
            serde_json::to_string(&input.metadata)?.into(),
            serde_json::to_string(&input.hidden_fields)?.into(),
            i64::from(input.completed).into(),
            now.into(),
            input.completed.then_some(now).into(),
            input.language.clone().into(),
            contact_id.clone().into(),
            invitation.map(|l| l.invitation.id.clone()).into(),
            new.survey_version.into(),
            serde_json::to_string(&new.variables)?.into(),
            new.ending.clone().into(),
        ],
    );
    // Created now, so today: no closed day's cached overview changes.
    answer_index::push_insert(
        &mut batch,
        id,
        survey_id,
        &new.questions,
        &input.answers,
        Some(&input.hidden_fields),
        now,
        input.completed,
    );
    let metadata: Vec<(String, String)> =
        input.metadata.iter().map(|(key, value)| (key.clone(), metadata_text(value))).collect();
    answer_index::push_metadata(&mut batch, id, survey_id, &metadata);
    batch.execute(tx).await?;
    if let Some(linked) = invitation {
        invitations::attach_response(tx, &linked.invitation.id, id, input.completed).await?;
    }
    let response = SurveyResponse {
        id: id.clone(),
        survey_id: survey_id.clone(),
        answers: input.answers.clone(),
        metadata: input.metadata.clone(),
        hidden_fields: input.hidden_fields.clone(),
        contact_id,
        completed: input.completed,
        language: input.language.clone(),
        created_at: to_datetime(now),
        updated_at: to_datetime(now),
        completed_at: input.completed.then(|| to_datetime(now)),
        survey_version: new.survey_version,
        variables: new.variables.clone(),
        ending: new.ending.clone(),
        tags: None,
    };
    if subscribers.is_empty() {
        return Ok((response, 0));
    }
    let data = serde_json::to_value(&response)?;
    let events: &[&str] = if response.completed {
        &["survey.response.created", "survey.response.completed"]
    } else {
        &["survey.response.created"]
    };
    let queued = webhook_outbox::queue_for(tx, subscribers, org_id, events, &data, &thin(&response)).await?;
    Ok((response, queued))
}

/// A checked change to a stored response, ready to write.
pub(super) struct Change {
    pub(super) organization_id: String,
    pub(super) questions: Vec<Question>,
    /// The published version the change was checked against.
    pub(super) survey_version: i64,
    pub(super) checked: Checked,
    pub(super) completed: bool,
    pub(super) responder: Option<Responder>,
    pub(super) invitation_id: Option<String>,
    /// The response as read before the change.
    pub(super) current: SurveyResponse,
    pub(super) at: i64,
}

/// Writes a change with its index rows and webhook deliveries. Optimistic:
/// it applies only to the version read, so two concurrent edits cannot both
/// complete the response (or silently drop each other's answers).
pub(super) async fn store_change(
    tx: &mut sqlx::AnyConnection,
    change: &Change,
    subscribers: &[Subscriber],
) -> Result<(SurveyResponse, usize), AppError> {
    let (current, org_id, now) = (&change.current, change.organization_id.as_str(), change.at);
    let newly_completed = change.completed && !current.completed;
    let completed_at = if newly_completed { Some(now) } else { current.completed_at.map(|t| t.timestamp_millis()) };
    let contact_id = match &change.responder {
        Some(responder) => Some(contacts::upsert_responder(tx, org_id, responder).await?),
        None => current.contact_id.clone(),
    };
    let done = sqlx::query(
        "UPDATE responses SET answers = $1, metadata = $2, completed = $3, completed_at = $4, updated_at = $5, \
         contact_id = $10, survey_version = $11, variables = $12, ending = $13 \
         WHERE id = $6 AND organization_id = $7 AND updated_at = $8 AND completed = $9",
    )
    .bind(serde_json::to_string(&change.checked.answers)?)
    .bind(serde_json::to_string(&change.checked.metadata)?)
    .bind(i64::from(change.completed))
    .bind(completed_at)
    .bind(now)
    .bind(&current.id)
    .bind(org_id)
    .bind(current.updated_at.timestamp_millis())
    .bind(i64::from(current.completed))
    .bind(contact_id.clone())
    .bind(change.survey_version)
    .bind(serde_json::to_string(&change.checked.variables)?)
    .bind(change.checked.ending.clone())
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::Conflict {
            code: "response_changed".into(),
            message: "the response was changed at the same time; send the change again".into(),
        });
    }
    sqlx::query("DELETE FROM response_metadata WHERE response_id = $1").bind(&current.id).execute(&mut *tx).await?;
    let rows: Vec<(String, String)> =
        change.checked.metadata.iter().map(|(k, v)| (k.clone(), metadata_text(v))).collect();
    answer_index::insert_metadata(tx, &current.id, &current.survey_id, &rows).await?;
    // The answer rows follow the answers; the hidden-field rows were cleared with the metadata above.
    answer_index::write(
        tx,
        &current.id,
        &current.survey_id,
        &change.questions,
        &change.checked.answers,
        Some(&current.hidden_fields),
        current.created_at.timestamp_millis(),
        change.completed,
    )
    .await?;
    let response = SurveyResponse {
        answers: change.checked.answers.clone(),
        metadata: change.checked.metadata.clone(),
        completed: change.completed,
        updated_at: to_datetime(now),
        completed_at: completed_at.map(to_datetime),
        contact_id,
        survey_version: change.survey_version,
        variables: change.checked.variables.clone(),
        ending: change.checked.ending.clone(),
        tags: None,
        ..current.clone()
    };
    let mut events = vec!["survey.response.updated"];
    if newly_completed {
        events.push("survey.response.completed");
        // A response that came through an invitation completes it too.
        if let Some(invitation_id) = &change.invitation_id {
            invitations::mark_completed(tx, invitation_id).await?;
        }
    }
    let queued = if subscribers.is_empty() {
        0
    } else {
        let data = serde_json::to_value(&response)?;
        webhook_outbox::queue_for(tx, subscribers, org_id, &events, &data, &thin(&response)).await?
    };
    Ok((response, queued))
}
