//! Accepting responses from respondents, and reading them back for the
//! organisation that owns the survey.
//!
//! The area holds everything about a response after the survey: how it
//! is filtered, indexed by answer, counted for the overview (and per day),
//! exported, continued by its respondent, and deleted when retention says so.

pub mod analytics;
pub mod answer_index;
pub mod export;
pub mod filter;
pub mod overview_days;
pub mod retention;
pub mod updates;

use crate::backend::db::{json_column, new_id, now_ms, to_datetime, Db};
use crate::backend::group_commit::Audience;
use crate::backend::services::surveys::SurveyDefinition;
use crate::backend::sql_batch::SqlBatch;
use crate::backend::webhook_outbox;
use crate::backend::AppState;
use crate::domain::answers;
use crate::domain::error::Problems;
use crate::domain::ids::{is_valid, IdKind};
use crate::domain::page::{PageRequest, Paginated};
use crate::domain::response::{validate_flat_map, ResponseInput, SurveyResponse};
use crate::domain::survey::SurveyStatus;
use crate::domain::AppError;
use sqlx::any::AnyRow;
use sqlx::Row;
use std::sync::Arc;

pub(crate) const COLUMNS: &str = "id, survey_id, answers, metadata, hidden_fields, contact_id, completed, \
    created_at, updated_at, completed_at, language";

use crate::backend::services::events_router::events;
use crate::backend::services::organization::audit;
use crate::backend::services::organization::metadata_keys;
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
    })
}

/// Stores a respondent's answers to a published survey. Everything is
/// validated first; nothing is written unless all of it is acceptable.
/// `site` is the origin of the page calling from another site, if any: it
/// must be one the survey allows.
pub async fn submit(
    state: &AppState,
    survey_id: &str,
    input: ResponseInput,
    site: Option<&str>,
) -> Result<SurveyResponse, AppError> {
    let definition = surveys::definition(&state.db, survey_id).await?;
    surveys::check_site(&definition.survey, site)?;
    submit_to(state, &definition, input).await
}

/// The ids-only form of a response event, for endpoints with thin payloads.
fn thin(response: &SurveyResponse) -> serde_json::Value {
    serde_json::json!({ "id": response.id, "surveyId": response.survey_id, "completed": response.completed })
}

async fn submit_to(
    state: &AppState,
    definition: &SurveyDefinition,
    mut input: ResponseInput,
) -> Result<SurveyResponse, AppError> {
    let db = &state.db;
    let (org_id, survey) = (&definition.organization_id, &definition.survey);
    let survey_id = survey.id.as_str();
    match survey.status {
        SurveyStatus::Published => {}
        SurveyStatus::Draft => return Err(AppError::not_found("survey")),
        SurveyStatus::Closed => {
            return Err(AppError::field("surveyId", "this survey is closed and no longer accepts responses"))
        }
    }
    // Answers to questions that skip logic hides are dropped, not refused.
    crate::domain::logic::prune_hidden(&survey.questions, &mut input.answers);
    let mut problems = Problems::default();
    validate_flat_map(&mut problems, "metadata", &input.metadata);
    validate_flat_map(&mut problems, "hiddenFields", &input.hidden_fields);
    for key in input.hidden_fields.keys().filter(|k| !survey.options.hidden_fields.contains(k)) {
        problems.add(format!("hiddenFields.{key}"), "not a hidden field of this survey");
    }
    if let Some(responder) = &input.responder {
        responder.validate(&mut problems);
    }
    let metadata = apply_metadata_policy(state, org_id, &input.metadata).await;
    let metadata = match metadata {
        Ok(m) => m,
        Err(AppError::Validation { errors }) => {
            errors.into_iter().for_each(|e| problems.add(e.field, e.message));
            Default::default()
        }
        Err(other) => return Err(other),
    };
    if let Some(language) = &input.language {
        if !survey.options.languages().contains(language) {
            problems.add(
                "language",
                format!("must be one of the survey's languages: {}", survey.options.languages().join(", ")),
            );
        }
    }
    if let Err(AppError::Validation { errors }) = answers::validate(&survey.questions, &input.answers, input.completed)
    {
        for e in errors {
            problems.add(e.field, e.message);
        }
    }
    // A personal invitation link: the invited contact answers, with the event's context.
    let invitation = match &input.invitation {
        Some(token) => {
            let linked = match state.invitation_links.open(token) {
                Some(id) => invitations::by_id(db, &id).await?,
                None => None,
            };
            match linked {
                Some(l) if l.invitation.survey_id == survey_id && l.organization_id == *org_id => Some(l),
                _ => {
                    problems.add("invitation", "not a valid invitation for this survey");
                    None
                }
            }
        }
        None => None,
    };
    problems.into_result()?;
    let mut metadata = metadata;
    if let Some(linked) = &invitation {
        // What the event said wins over what the page says.
        metadata.extend(linked.metadata.clone());
        input.responder = None;
        if input.language.is_none() {
            let languages = survey.options.languages();
            let wanted: Vec<String> =
                linked.invitation.locale.iter().map(|l| crate::domain::contact::primary_language(l)).collect();
            let chosen = crate::domain::i18n::choose(&languages, &survey.options.default_language, &wanted);
            input.language = Some(chosen.to_string());
        }
    }
    input.metadata = metadata;

    let new = Arc::new(NewResponse {
        id: new_id(IdKind::Response),
        organization_id: org_id.to_string(),
        survey_id: survey_id.to_string(),
        questions: survey.questions.clone(),
        created_at: now_ms(),
        input,
        invitation,
    });
    // The writes share a transaction with concurrent submissions (group
    // commit); the 201 still waits for that transaction's commit.
    let audience = Audience { organization_id: org_id.to_string(), survey_id: Some(survey_id.to_string()) };
    let (response, queued) = state
        .writes
        .write_reporting(audience, move |tx, subscribers| {
            let new = new.clone();
            Box::pin(async move { store_new(tx, &new, subscribers).await })
        })
        .await?;
    if queued > 0 {
        state.webhook_wakeup.notify_one();
    }
    Ok(response)
}

/// A checked response, ready to store.
struct NewResponse {
    id: String,
    organization_id: String,
    survey_id: String,
    questions: Vec<crate::domain::survey::Question>,
    created_at: i64,
    input: ResponseInput,
    invitation: Option<invitations::LinkedInvitation>,
}

/// Writes a new response with its index rows, invitation link and webhook
/// deliveries to `subscribers` (the outbox: they commit together, or not at
/// all). Returns the response and how many deliveries were queued. Takes
/// `new` by reference because group commit may run it again.
async fn store_new(
    tx: &mut sqlx::AnyConnection,
    new: &NewResponse,
    subscribers: &[webhook_outbox::Subscriber],
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
             VALUES ($1, $2, $3, $4, $5, $6, $11, $7, $8, $8, $9, $10, 1, $12)"
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

pub async fn list(
    db: &Db,
    org_id: &str,
    survey_id: &str,
    filter: &ResponseFilter,
    page: PageRequest,
) -> Result<Paginated<SurveyResponse>, AppError> {
    surveys::get(db, org_id, survey_id).await?;
    let (condition, params) = filter.to_sql(org_id, survey_id);
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
    let data = rows.iter().map(from_row).collect::<Result<_, _>>()?;
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

pub async fn get(db: &Db, org_id: &str, id: &str) -> Result<SurveyResponse, AppError> {
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

/// Reads a widget form post (fields named `q.<questionId>`, optional
/// `hidden.<name>` hidden fields and the `language` shown) and submits it as
/// a complete response. Hidden fields the survey does not declare are
/// ignored here: they come from a page address anyone can edit.
pub async fn submit_form(
    state: &AppState,
    survey_id: &str,
    fields: &[(String, String)],
) -> Result<SurveyResponse, AppError> {
    let definition = surveys::definition(&state.db, survey_id).await?;
    let answers = answers::from_form(&definition.survey.questions, fields)?;
    let hidden_fields = fields
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("hidden.")
                .filter(|name| definition.survey.options.hidden_fields.iter().any(|h| h == name))
                .map(|name| (name.to_string(), serde_json::Value::String(v.clone())))
        })
        .collect();
    let language = fields
        .iter()
        .find(|(k, _)| k == "language")
        .map(|(_, v)| v.clone())
        .filter(|v| definition.survey.options.languages().contains(v));
    let invitation = fields.iter().find(|(k, _)| k == "invitation").map(|(_, v)| v.clone()).filter(|v| !v.is_empty());
    let input = ResponseInput { answers, hidden_fields, language, invitation, completed: true, ..Default::default() };
    submit_to(state, &definition, input).await
}

/// The organisation's metadata rules applied to incoming metadata (typed,
/// anonymized, strict); see `domain::metadata_keys`.
pub async fn apply_metadata_policy(
    state: &AppState,
    org_id: &str,
    metadata: &serde_json::Map<String, serde_json::Value>,
) -> Result<serde_json::Map<String, serde_json::Value>, AppError> {
    if metadata.is_empty() {
        return Ok(metadata.clone());
    }
    let policy = metadata_keys::policy(&state.db, org_id).await?;
    policy.apply(metadata, |key, value| state.metadata_hasher.hash(org_id, key, value))
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
    Ok(crate::domain::response_detail::ResponseDetail { response, contact, invitation, event, deliveries })
}
