//! A respondent continuing their own response (with its `responseToken`):
//! more answers as they go, metadata from the host page, completion.
//! Answers merge (later values win, `null` clears); a completed response's
//! answers are final, but metadata may still be attached to it. A response
//! that came through an invitation keeps the invitation's context, as at
//! submission: it stays the invited contact's (`responder` is ignored) and
//! the invitation's metadata (`distributionId`, the event's fields) wins.

use crate::backend::db::{internal, now_ms, to_datetime};
use crate::backend::services::outreach::contacts;
use crate::backend::services::outreach::invitations;
use crate::backend::services::responses;
use crate::backend::services::responses::answer_index;
use crate::backend::services::responses::{get_any, metadata_text};
use crate::backend::services::surveys;
use crate::backend::webhook_outbox;
use crate::backend::AppState;
use crate::domain::answers;
use crate::domain::error::Problems;
use crate::domain::response::{validate_flat_map, ResponsePatch, SurveyResponse};
use crate::domain::survey::SurveyStatus;
use crate::domain::AppError;
use sqlx::Row;

/// How long after its creation a response can still be continued.
pub const EDITABLE_FOR_MS: i64 = 24 * 3600 * 1000;

pub async fn continue_response(
    state: &AppState,
    response_id: &str,
    token: &str,
    patch: ResponsePatch,
    site: Option<&str>,
) -> Result<SurveyResponse, AppError> {
    // Any failure to prove ownership looks like "not found": no oracle for ids.
    if !state.response_tokens.verify(response_id, token) {
        return Err(AppError::not_found("response"));
    }
    let (org_id, current) = get_any(&state.db, response_id).await?;
    if now_ms() - current.created_at.timestamp_millis() > EDITABLE_FOR_MS {
        return Err(AppError::Conflict {
            code: "response_final".into(),
            message: "this response can no longer be changed".into(),
        });
    }
    let invitation = match invitation_of(&state.db, response_id).await? {
        Some(id) => invitations::by_id(&state.db, &id).await?,
        None => None,
    };
    let mut patch = patch;
    if invitation.is_some() {
        patch.responder = None;
    }
    let definition = surveys::definition(&state.db, &current.survey_id).await?;
    surveys::check_site(&definition.survey, site)?;
    let changes_answers = patch.answers.as_ref().is_some_and(|a| !a.is_empty()) || patch.completed == Some(true);
    if changes_answers && definition.survey.status != SurveyStatus::Published {
        return Err(AppError::field("surveyId", "this survey is closed and no longer accepts responses"));
    }
    if changes_answers && current.completed && patch.answers.as_ref().is_some_and(|a| !a.is_empty()) {
        return Err(AppError::field("answers", "the response is complete; its answers can no longer change"));
    }

    let mut merged = current.answers.clone();
    for (k, v) in patch.answers.clone().unwrap_or_default() {
        if v.is_null() {
            merged.remove(&k);
        } else {
            merged.insert(k, v);
        }
    }
    crate::domain::logic::prune_hidden(&definition.survey.questions, &mut merged);
    let completed = current.completed || patch.completed.unwrap_or(false);
    let mut problems = Problems::default();
    let incoming = patch.metadata.clone().unwrap_or_default();
    validate_flat_map(&mut problems, "metadata", &incoming);
    let mut metadata = current.metadata.clone();
    match responses::apply_metadata_policy(state, &org_id, &incoming).await {
        Ok(typed) => metadata.extend(typed),
        Err(AppError::Validation { errors }) => errors.into_iter().for_each(|e| problems.add(e.field, e.message)),
        Err(other) => return Err(other),
    }
    if let Some(linked) = &invitation {
        // What the invitation said wins over what the page says, now as at submission.
        metadata.extend(linked.metadata.clone());
    }
    validate_flat_map(&mut problems, "metadata", &metadata);
    if let Some(responder) = &patch.responder {
        responder.validate(&mut problems);
    }
    if let Err(AppError::Validation { errors }) = answers::validate(&definition.survey.questions, &merged, completed) {
        errors.into_iter().for_each(|e| problems.add(e.field, e.message));
    }
    problems.into_result()?;

    let now = now_ms();
    let newly_completed = completed && !current.completed;
    let completed_at = if newly_completed { Some(now) } else { current.completed_at.map(|t| t.timestamp_millis()) };
    let mut tx = state.db.begin_write().await?;
    let contact_id = match &patch.responder {
        Some(responder) => Some(contacts::upsert_responder(&mut tx, &org_id, responder).await?),
        None => current.contact_id.clone(),
    };
    // Optimistic: applies only to the version read, so two concurrent edits
    // cannot both complete the response (or silently drop each other's answers).
    let done = sqlx::query(
        "UPDATE responses SET answers = $1, metadata = $2, completed = $3, completed_at = $4, updated_at = $5, \
         contact_id = $10 WHERE id = $6 AND organization_id = $7 AND updated_at = $8 AND completed = $9",
    )
    .bind(serde_json::to_string(&merged)?)
    .bind(serde_json::to_string(&metadata)?)
    .bind(i64::from(completed))
    .bind(completed_at)
    .bind(now)
    .bind(response_id)
    .bind(&org_id)
    .bind(current.updated_at.timestamp_millis())
    .bind(i64::from(current.completed))
    .bind(contact_id.clone())
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::Conflict {
            code: "response_changed".into(),
            message: "the response was changed at the same time; send the change again".into(),
        });
    }
    sqlx::query("DELETE FROM response_metadata WHERE response_id = $1").bind(response_id).execute(&mut *tx).await?;
    let rows: Vec<(String, String)> = metadata.iter().map(|(k, v)| (k.clone(), metadata_text(v))).collect();
    answer_index::insert_metadata(&mut tx, response_id, &current.survey_id, &rows).await?;
    // The answer rows follow the answers; the hidden-field rows were cleared with the metadata above.
    answer_index::write(
        &mut tx,
        response_id,
        &current.survey_id,
        &definition.survey.questions,
        &merged,
        Some(&current.hidden_fields),
        current.created_at.timestamp_millis(),
        completed,
    )
    .await?;
    let response = SurveyResponse {
        answers: merged,
        metadata,
        completed,
        updated_at: to_datetime(now),
        completed_at: completed_at.map(to_datetime),
        contact_id,
        ..current
    };
    let data = serde_json::to_value(&response)?;
    let thin =
        serde_json::json!({ "id": response.id, "surveyId": response.survey_id, "completed": response.completed });
    let survey_id = Some(response.survey_id.as_str());
    let mut queued =
        webhook_outbox::enqueue(&mut tx, &org_id, survey_id, "survey.response.updated", &data, &thin).await?;
    if newly_completed {
        queued +=
            webhook_outbox::enqueue(&mut tx, &org_id, survey_id, "survey.response.completed", &data, &thin).await?;
        // A response that came through an invitation completes it too.
        if let Some(linked) = &invitation {
            invitations::mark_completed(&mut tx, &linked.invitation.id).await?;
        }
    }
    tx.commit().await?;
    if queued > 0 {
        state.webhook_wakeup.notify_one();
    }
    Ok(response)
}

/// The invitation a response came through, if any.
async fn invitation_of(db: &crate::backend::db::Db, response_id: &str) -> Result<Option<String>, AppError> {
    sqlx::query("SELECT invitation_id FROM responses WHERE id = $1")
        .bind(response_id)
        .fetch_one(db.pool())
        .await?
        .try_get("invitation_id")
        .map_err(internal)
}
