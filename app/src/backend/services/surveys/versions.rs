//! Published versions (see `domain::survey_version`): recorded in the same
//! transaction as the change that publishes them, read for the API and the
//! dashboard, and consulted so a question id never changes its type.

use crate::backend::db::{json_column, now_ms, to_datetime, Db};
use crate::domain::error::Problems;
use crate::domain::page::{PageRequest, Paginated};
use crate::domain::survey::{Question, Survey, SurveyDraft, SurveyStatus};
use crate::domain::survey_options::SurveyOptions;
use crate::domain::survey_version::{
    changes, check_stable_types, Answerable, PublishedIds, SurveyVersion, SurveyVersionSummary,
};
use crate::domain::AppError;
use sqlx::any::AnyRow;
use sqlx::Row;

/// A version as stored.
struct Stored {
    number: i64,
    published_at: i64,
    name: String,
    questions: Vec<Question>,
    options: SurveyOptions,
}

impl Stored {
    fn answerable(&self) -> Answerable<'_> {
        Answerable::of(&self.name, &self.questions, &self.options)
    }
}

fn from_row(row: &AnyRow) -> Result<Stored, AppError> {
    Ok(Stored {
        number: row.try_get("version")?,
        published_at: row.try_get("published_at")?,
        name: row.try_get("name")?,
        questions: json_column(row, "questions")?,
        options: json_column(row, "options")?,
    })
}

const COLUMNS: &str = "version, published_at, name, questions, options";

async fn latest(tx: &mut sqlx::AnyConnection, survey_id: &str) -> Result<Option<Stored>, AppError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM survey_versions WHERE survey_id = $1 ORDER BY version DESC LIMIT 1"
    ))
    .bind(survey_id)
    .fetch_optional(&mut *tx)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// Refuses a definition that gives a published question id another type.
/// Call before writing.
pub async fn check_against_published(db: &Db, survey_id: &str, draft: &SurveyDraft) -> Result<(), AppError> {
    let published = published_questions(db, survey_id).await?;
    let mut problems = Problems::default();
    check_stable_types(&mut problems, &published, &draft.questions);
    problems.into_result()
}

/// Records a new version when `draft` is published and what respondents see
/// differs from the latest version (or there is none yet). Returns the
/// version respondents answer from now on (0: never published). Runs in the
/// caller's transaction, with the survey row already written.
pub async fn record_if_changed(
    tx: &mut sqlx::AnyConnection,
    survey_id: &str,
    draft: &SurveyDraft,
) -> Result<i64, AppError> {
    let latest = latest(tx, survey_id).await?;
    let current = latest.as_ref().map_or(0, |v| v.number);
    let unchanged = latest.as_ref().is_some_and(|v| v.answerable() == Answerable::of_draft(draft));
    if draft.status != SurveyStatus::Published || unchanged {
        return Ok(current);
    }
    let number = current + 1;
    sqlx::query(
        "INSERT INTO survey_versions (survey_id, version, name, questions, options, published_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(survey_id)
    .bind(number)
    .bind(draft.name.trim())
    .bind(serde_json::to_string(&draft.questions)?)
    .bind(serde_json::to_string(&draft.options)?)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE surveys SET published_version = $1 WHERE id = $2")
        .bind(number)
        .bind(survey_id)
        .execute(&mut *tx)
        .await?;
    Ok(number)
}

/// Responses per version of a survey (a response from before versions were
/// kept counts as version 1).
async fn response_counts(db: &Db, survey_id: &str) -> Result<Vec<(i64, i64)>, AppError> {
    let rows = sqlx::query(
        "SELECT COALESCE(survey_version, 1) AS version, COUNT(*) AS n FROM responses WHERE survey_id = $1 \
         GROUP BY COALESCE(survey_version, 1)",
    )
    .bind(survey_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(|r| Ok((r.try_get("version")?, r.try_get("n")?))).collect()
}

fn summary(version: &Stored, before: Option<&Stored>, counts: &[(i64, i64)]) -> SurveyVersionSummary {
    SurveyVersionSummary {
        number: version.number,
        published_at: to_datetime(version.published_at),
        question_count: version.questions.len(),
        changes: changes(before.map(Stored::answerable).as_ref(), &version.answerable()),
        response_count: counts.iter().find(|(n, _)| *n == version.number).map_or(0, |(_, c)| *c),
    }
}

/// The survey's versions, newest first. The survey must be the caller's
/// (check with `surveys::get` first).
pub async fn list(db: &Db, survey_id: &str, page: PageRequest) -> Result<Paginated<SurveyVersionSummary>, AppError> {
    // Each summary compares with the version before, so one more is read.
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM survey_versions WHERE survey_id = $1 ORDER BY version DESC LIMIT $2 OFFSET $3"
    ))
    .bind(survey_id)
    .bind(i64::from(page.per_page) + 1)
    .bind(page.offset())
    .fetch_all(db.pool())
    .await?;
    let stored = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) AS n FROM survey_versions WHERE survey_id = $1")
        .bind(survey_id)
        .fetch_one(db.pool())
        .await?;
    let counts = response_counts(db, survey_id).await?;
    let data = stored
        .iter()
        .enumerate()
        .take(page.per_page as usize)
        .map(|(i, version)| summary(version, stored.get(i + 1).filter(|b| b.number == version.number - 1), &counts))
        .collect();
    Ok(Paginated::new(data, page, total))
}

/// One version with its definition. The survey must be the caller's.
pub async fn get(db: &Db, survey_id: &str, number: i64) -> Result<SurveyVersion, AppError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM survey_versions WHERE survey_id = $1 AND version IN ($2, $3) ORDER BY version DESC"
    ))
    .bind(survey_id)
    .bind(number)
    .bind(number - 1)
    .fetch_all(db.pool())
    .await?;
    let stored = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
    let version = stored.iter().find(|v| v.number == number).ok_or_else(|| AppError::not_found("version"))?;
    let before = stored.iter().find(|v| v.number == number - 1);
    let counts = response_counts(db, survey_id).await?;
    Ok(SurveyVersion {
        summary: summary(version, before, &counts),
        name: version.name.clone(),
        questions: version.questions.clone(),
        options: version.options.clone(),
    })
}

/// Every question of every published version, oldest first.
async fn published_questions(db: &Db, survey_id: &str) -> Result<Vec<Question>, AppError> {
    let rows = sqlx::query("SELECT questions FROM survey_versions WHERE survey_id = $1 ORDER BY version")
        .bind(survey_id)
        .fetch_all(db.pool())
        .await?;
    let mut published = Vec::new();
    for row in &rows {
        published.extend(json_column::<Vec<Question>>(row, "questions")?);
    }
    Ok(published)
}

/// The question and choice ids the survey's published versions used.
pub async fn published_ids(db: &Db, survey_id: &str) -> Result<PublishedIds, AppError> {
    Ok(PublishedIds::of(&published_questions(db, survey_id).await?))
}

/// The questions of one version, if it exists.
pub async fn questions_of(db: &Db, survey_id: &str, number: i64) -> Result<Option<Vec<Question>>, AppError> {
    let row = sqlx::query("SELECT questions FROM survey_versions WHERE survey_id = $1 AND version = $2")
        .bind(survey_id)
        .bind(number)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(|row| json_column(row, "questions")).transpose()
}

/// The survey with the questions and hidden fields of its earlier versions
/// that it no longer has appended (each question as last published, its
/// title marked), so an export has a column for every answer ever given.
pub async fn with_earlier_parts(db: &Db, mut survey: Survey) -> Result<Survey, AppError> {
    let rows = sqlx::query("SELECT questions, options FROM survey_versions WHERE survey_id = $1 ORDER BY version DESC")
        .bind(&survey.id)
        .fetch_all(db.pool())
        .await?;
    for row in &rows {
        for question in json_column::<Vec<Question>>(row, "questions")? {
            if !survey.questions.iter().any(|q| q.id == question.id) {
                let title = format!("{} (removed)", question.title);
                survey.questions.push(Question { title, ..question });
            }
        }
        for hidden in json_column::<SurveyOptions>(row, "options")?.hidden_fields {
            if !survey.options.hidden_fields.contains(&hidden) {
                survey.options.hidden_fields.push(hidden);
            }
        }
    }
    Ok(survey)
}
