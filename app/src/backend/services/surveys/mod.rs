//! Creating, listing, editing and publishing surveys. Every query is scoped to
//! the caller's organisation; another organisation's survey is "not found".

use crate::backend::db::{internal, json_column, new_id, now_ms, to_datetime, Db};
use crate::backend::read_cache::StoredDefinition;
use crate::backend::webhook_outbox;
use crate::domain::error::Problems;
use crate::domain::ids::{is_valid, IdKind};
use crate::domain::page::{PageRequest, Paginated};
use crate::domain::survey::{
    validate_questions, PublicSurvey, Question, Survey, SurveyDraft, SurveyPatch, SurveyStatus,
};
use crate::domain::survey_document::{IdMode, SurveyDocument, SurveyImport};
use crate::domain::AppError;
use sqlx::any::AnyRow;
use sqlx::Row;
use std::sync::Arc;

pub mod templates;
pub mod versions;

const SELECT: &str = "SELECT s.id, s.name, s.status, s.questions, s.created_at, s.updated_at, s.version, \
    s.closes_at, s.response_limit, s.options, s.published_version, \
    (SELECT COUNT(*) FROM responses r WHERE r.survey_id = s.id) AS response_count FROM surveys s";

fn from_row(row: &AnyRow) -> Result<Survey, AppError> {
    let status: String = row.try_get("status")?;
    Ok(Survey {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        status: SurveyStatus::parse(&status).ok_or_else(|| internal(format!("bad status {status}")))?,
        questions: json_column(row, "questions")?,
        created_at: to_datetime(row.try_get("created_at")?),
        updated_at: to_datetime(row.try_get("updated_at")?),
        response_count: row.try_get("response_count")?,
        version: row.try_get("version")?,
        published_version: row.try_get("published_version")?,
        closes_at: row.try_get::<Option<i64>, _>("closes_at")?.map(to_datetime),
        response_limit: row.try_get("response_limit")?,
        options: json_column(row, "options")?,
    })
}

pub async fn create(db: &Db, org_id: &str, draft: SurveyDraft) -> Result<Survey, AppError> {
    draft.validate()?;
    let id = new_id(IdKind::Survey);
    let now = now_ms();
    let questions = serde_json::to_string(&draft.questions)?;
    let options = serde_json::to_string(&draft.options)?;
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO surveys (id, organization_id, name, status, questions, version, created_at, updated_at, \
         closes_at, response_limit, options) VALUES ($1, $2, $3, $4, $5, 1, $6, $6, $7, $8, $9)",
    )
    .bind(&id)
    .bind(org_id)
    .bind(draft.name.trim())
    .bind(draft.status.as_str())
    .bind(questions)
    .bind(now)
    .bind(draft.closes_at.map(|t| t.timestamp_millis()))
    .bind(draft.response_limit)
    .bind(options)
    .execute(&mut *tx)
    .await?;
    versions::record_if_changed(&mut tx, &id, &draft).await?;
    announce_status(&mut tx, org_id, &id, &draft).await?;
    tx.commit().await?;
    get(db, org_id, &id).await
}

/// Queues `survey.published` / `survey.closed` for a survey now in that
/// status, in the caller's transaction (the outbox).
async fn announce_status(
    tx: &mut sqlx::AnyConnection,
    org_id: &str,
    id: &str,
    draft: &SurveyDraft,
) -> Result<(), AppError> {
    let event = match draft.status {
        SurveyStatus::Published => "survey.published",
        SurveyStatus::Closed => "survey.closed",
        SurveyStatus::Draft => return Ok(()),
    };
    let data = serde_json::json!({ "id": id, "name": draft.name.trim(), "status": draft.status.as_str() });
    webhook_outbox::enqueue(tx, org_id, Some(id), event, &data, &data).await.map(|_| ())
}

pub async fn list(db: &Db, org_id: &str, page: PageRequest) -> Result<Paginated<Survey>, AppError> {
    let rows = sqlx::query(&format!(
        "{SELECT} WHERE s.organization_id = $1 ORDER BY s.created_at DESC, s.id DESC LIMIT $2 OFFSET $3"
    ))
    .bind(org_id)
    .bind(i64::from(page.per_page))
    .bind(page.offset())
    .fetch_all(db.pool())
    .await?;
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) AS n FROM surveys WHERE organization_id = $1")
        .bind(org_id)
        .fetch_one(db.pool())
        .await?;
    let data = rows.iter().map(from_row).collect::<Result<_, _>>()?;
    Ok(Paginated::new(data, page, total))
}

pub async fn get(db: &Db, org_id: &str, id: &str) -> Result<Survey, AppError> {
    if !is_valid(IdKind::Survey, id) {
        return Err(AppError::not_found("survey"));
    }
    let row = sqlx::query(&format!("{SELECT} WHERE s.id = $1 AND s.organization_id = $2"))
        .bind(id)
        .bind(org_id)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(from_row).transpose()?.ok_or_else(|| AppError::not_found("survey"))
}

/// Applies a partial update; the result must still be a valid survey.
/// With `expected_version` (from `If-Match`), a survey changed meanwhile is
/// not overwritten: `PreconditionFailed`. Without it, the update still never
/// loses a concurrent one silently: it applies to the version it read, or
/// answers `Conflict`.
pub async fn update(
    db: &Db,
    org_id: &str,
    id: &str,
    patch: SurveyPatch,
    expected_version: Option<i64>,
) -> Result<Survey, AppError> {
    let current = get(db, org_id, id).await?;
    if expected_version.is_some_and(|v| v != current.version) {
        return Err(AppError::PreconditionFailed);
    }
    let read_version = current.version;
    let draft = SurveyDraft {
        options: patch.apply_options(current.options),
        name: patch.name.unwrap_or(current.name),
        questions: patch.questions.unwrap_or(current.questions),
        status: patch.status.unwrap_or(current.status),
        closes_at: patch.closes_at.unwrap_or(current.closes_at),
        response_limit: patch.response_limit.unwrap_or(current.response_limit),
    };
    draft.validate()?;
    versions::check_against_published(db, id, &draft).await?;
    let questions = serde_json::to_string(&draft.questions)?;
    let options = serde_json::to_string(&draft.options)?;
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "UPDATE surveys SET name = $1, questions = $2, status = $3, version = version + 1, updated_at = $4, \
         closes_at = $8, response_limit = $9, options = $10 \
         WHERE id = $5 AND organization_id = $6 AND version = $7",
    )
    .bind(draft.name.trim())
    .bind(questions)
    .bind(draft.status.as_str())
    .bind(now_ms())
    .bind(id)
    .bind(org_id)
    .bind(read_version)
    .bind(draft.closes_at.map(|t| t.timestamp_millis()))
    .bind(draft.response_limit)
    .bind(options)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 1 {
        versions::record_if_changed(&mut tx, id, &draft).await?;
        if draft.status != current.status {
            announce_status(&mut tx, org_id, id, &draft).await?;
        }
    }
    tx.commit().await?;
    changed(db, id);
    if done.rows_affected() == 0 {
        return Err(match expected_version {
            Some(_) => AppError::PreconditionFailed,
            None => AppError::Conflict {
                code: "edit_conflict".into(),
                message: "the survey was changed at the same time; reload it and try again".into(),
            },
        });
    }
    get(db, org_id, id).await
}

pub async fn set_status(db: &Db, org_id: &str, id: &str, status: SurveyStatus) -> Result<Survey, AppError> {
    update(db, org_id, id, SurveyPatch { status: Some(status), ..Default::default() }, None).await
}

/// Deletes the survey and, through the foreign keys, its responses.
pub async fn delete(db: &Db, org_id: &str, id: &str) -> Result<(), AppError> {
    get(db, org_id, id).await?;
    sqlx::query("DELETE FROM surveys WHERE id = $1 AND organization_id = $2")
        .bind(id)
        .bind(org_id)
        .execute(db.pool())
        .await?;
    changed(db, id);
    Ok(())
}

/// What answering a survey needs, found by id alone (public entry points have
/// no caller organisation; the owning organisation comes back with it).
/// It sits on the response hot path: one indexed lookup, or none while this
/// process's copy is fresh.
pub struct SurveyDefinition {
    pub organization_id: String,
    /// Its status as of now: a published survey past its closing time or
    /// response limit reads as closed.
    pub survey: PublicSurvey,
    /// Published as stored, but past its closing time or response limit:
    /// [`close_when_due`] records the closing (reading never writes).
    pub due_to_close: bool,
    /// The version answers are recorded under (see `versions`).
    pub published_version: i64,
}

pub async fn definition(db: &Db, id: &str) -> Result<SurveyDefinition, AppError> {
    if !is_valid(IdKind::Survey, id) {
        return Err(AppError::not_found("survey"));
    }
    let stored = match db.caches().survey_definitions.get(id) {
        Some(stored) => stored,
        None => {
            let read_at = std::time::Instant::now();
            let stored = Arc::new(load_definition(db, id).await?);
            db.caches().survey_definitions.put(id.to_string(), stored.clone(), read_at);
            stored
        }
    };
    let mut status = stored.status;
    let mut due_to_close = false;
    // A published survey closes itself at its closing time or response limit.
    if status == SurveyStatus::Published {
        let past_closing = stored.closes_at.is_some_and(|t| now_ms() >= t);
        let full = match stored.response_limit {
            Some(limit) => completed_count(db, id).await? >= limit,
            None => false,
        };
        if past_closing || full {
            status = SurveyStatus::Closed;
            due_to_close = true;
        }
    }
    Ok(SurveyDefinition {
        due_to_close,
        published_version: stored.published_version,
        organization_id: stored.organization_id.clone(),
        survey: PublicSurvey {
            id: id.to_string(),
            name: stored.name.clone(),
            status,
            questions: stored.questions.clone(),
            language: stored.options.default_language.clone(),
            options: stored.options.clone(),
            organization_sites: stored.organization_sites.clone(),
        },
    })
}

/// One indexed lookup: it sits on the response hot path.
async fn load_definition(db: &Db, id: &str) -> Result<StoredDefinition, AppError> {
    let row = sqlx::query(
        "SELECT s.organization_id, s.name, s.status, s.questions, s.closes_at, s.response_limit, s.options, \
         s.published_version, o.embed_origins FROM surveys s JOIN organizations o ON o.id = s.organization_id WHERE s.id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .ok_or_else(|| AppError::not_found("survey"))?;
    let status: String = row.try_get("status")?;
    Ok(StoredDefinition {
        organization_id: row.try_get("organization_id")?,
        name: row.try_get("name")?,
        status: SurveyStatus::parse(&status).ok_or_else(|| internal(format!("bad status {status}")))?,
        closes_at: row.try_get("closes_at")?,
        response_limit: row.try_get("response_limit")?,
        questions: json_column(&row, "questions")?,
        options: json_column(&row, "options")?,
        organization_sites: json_column(&row, "embed_origins")?,
        published_version: row.try_get("published_version")?,
    })
}

/// Forgets this process's copy of the survey after a change to it.
fn changed(db: &Db, id: &str) {
    db.caches().survey_definitions.forget(id);
}

/// Forgets this process's copies of all the organisation's surveys (after a
/// change to something they include, such as its allowed sites).
pub fn organization_changed(db: &Db, org_id: &str) {
    db.caches().survey_definitions.forget_where(|_, stored| stored.organization_id == org_id);
}

/// Records the closing of a survey that [`definition`] found due, and
/// announces it. The doors that answer a survey call it after reading.
pub async fn close_when_due(db: &Db, definition: &SurveyDefinition) -> Result<(), AppError> {
    if !definition.due_to_close {
        return Ok(());
    }
    let survey = &definition.survey;
    close_automatically(db, &definition.organization_id, &survey.id, &survey.name).await
}

/// Records that a published survey reached its closing time or response
/// limit, and announces `survey.closed` once: only the process whose update
/// changes the status queues the event, however many notice at once.
async fn close_automatically(db: &Db, org_id: &str, id: &str, name: &str) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "UPDATE surveys SET status = 'closed', version = version + 1, updated_at = $1 \
         WHERE id = $2 AND status = 'published'",
    )
    .bind(now_ms())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 1 {
        let data = serde_json::json!({ "id": id, "name": name, "status": "closed" });
        webhook_outbox::enqueue(&mut tx, org_id, Some(id), "survey.closed", &data, &data).await?;
    }
    tx.commit().await?;
    changed(db, id);
    Ok(())
}

/// Closes every published survey whose closing time has passed, so they
/// announce it even when nobody visits them (run by the housekeeping loop).
pub async fn close_due(db: &Db) -> Result<usize, AppError> {
    let rows = sqlx::query(
        "SELECT id, organization_id, name FROM surveys WHERE status = 'published' AND closes_at IS NOT NULL \
         AND closes_at <= $1 LIMIT 500",
    )
    .bind(now_ms())
    .fetch_all(db.pool())
    .await?;
    for row in &rows {
        let (id, org, name): (String, String, String) =
            (row.try_get("id")?, row.try_get("organization_id")?, row.try_get("name")?);
        close_automatically(db, &org, &id, &name).await?;
    }
    Ok(rows.len())
}

/// Complete responses so far (only counted for surveys with a response limit).
async fn completed_count(db: &Db, survey_id: &str) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) AS n FROM responses WHERE survey_id = $1 AND completed = 1")
        .bind(survey_id)
        .fetch_one(db.pool())
        .await?)
}

/// The survey as a visitor may see it. Drafts are not public: "not found".
/// What the pages respondents open (the survey page, its thanks page, the
/// embed configuration) show: the survey as they see it, after recording a
/// closing that is due, so the first visitor after the closing time
/// announces it.
pub async fn get_public_closing_if_due(db: &Db, id: &str) -> Result<PublicSurvey, AppError> {
    let definition = public_definition(db, id).await?;
    close_when_due(db, &definition).await?;
    Ok(definition.survey)
}

/// A survey as respondents see it (drafts are "not found"), with whether it
/// is due to close (see [`close_when_due`]).
pub async fn public_definition(db: &Db, id: &str) -> Result<SurveyDefinition, AppError> {
    let definition = definition(db, id).await?;
    if definition.survey.status == SurveyStatus::Draft {
        return Err(AppError::not_found("survey"));
    }
    Ok(definition)
}

/// Validates questions alone (used by the builder before saving).
pub fn check_questions(questions: &[Question]) -> Result<(), AppError> {
    let mut problems = Problems::default();
    validate_questions(&mut problems, questions);
    problems.into_result()
}

/// A page on another site (`site`, its origin) may show and answer the
/// survey only if the survey's embed settings allow that site.
pub fn check_site(survey: &PublicSurvey, site: Option<&str>) -> Result<(), AppError> {
    match site {
        Some(origin) if !survey.allows_site(origin) => Err(AppError::Forbidden {
            message: format!(
                "this survey may not be shown on {origin}; add the site to the survey's or the organisation's allowed sites"
            ),
        }),
        _ => Ok(()),
    }
}

/// The survey as a portable document (its definition, none of its history).
pub async fn export(db: &Db, org_id: &str, id: &str) -> Result<SurveyDocument, AppError> {
    Ok(SurveyDocument::of(get(db, org_id, id).await?, chrono::Utc::now()))
}

/// Creates a draft survey from a document, its question ids kept or
/// remapped; returns it with the ids that changed (old → new).
pub async fn import(db: &Db, org_id: &str, document: SurveyDocument, ids: IdMode) -> Result<SurveyImport, AppError> {
    let (draft, renamed_ids) = document.into_draft(ids)?;
    let survey = create(db, org_id, draft).await?;
    Ok(SurveyImport { survey, renamed_ids })
}
