//! Keeps `response_answers` (one row per answer, per chosen choice) and the
//! hidden-field rows of `response_metadata` in step with a response, inside
//! its transaction. The overview's aggregates and the answer filters read
//! these rows; the response's JSON stays the record.

use crate::backend::db::Db;
use crate::backend::services::responses;
use crate::backend::services::responses::overview_days;
use crate::backend::sql_batch::{Param, SqlBatch};
use crate::domain::answers::Answers;
use crate::domain::question_kind::thousandths;
use crate::domain::survey::{other_key, Question, QuestionKind};
use crate::domain::AppError;
use serde_json::{Map, Value};
use sqlx::Row;

/// The prefix that keeps hidden-field rows apart from metadata keys (which cannot contain ':').
pub const HIDDEN_PREFIX: &str = "hidden:";

/// One answer row.
struct AnswerRow {
    question_id: String,
    num_value: Option<i64>,
    choice: Option<String>,
    text_value: Option<String>,
}

fn rows_for(questions: &[Question], answers: &Answers) -> Vec<AnswerRow> {
    let mut rows = Vec::new();
    for question in questions {
        let Some(value) = answers.get(&question.id).filter(|v| !v.is_null()) else { continue };
        let row = |question_id: String, num_value, choice: Option<&str>, text_value: Option<&str>| AnswerRow {
            question_id,
            num_value,
            choice: choice.map(str::to_string),
            text_value: text_value.map(str::to_string),
        };
        let id = || question.id.clone();
        match &question.kind {
            QuestionKind::Nps | QuestionKind::Rating { .. } | QuestionKind::Csat => {
                if let Some(n) = value.as_i64() {
                    rows.push(row(id(), Some(n), None, None));
                }
            }
            QuestionKind::Number { .. } => {
                if let Some(x) = value.as_f64() {
                    rows.push(row(id(), Some(thousandths(x)), None, None));
                }
            }
            QuestionKind::Date { .. } => {
                if let Some(day) = value.as_str().and_then(day_number) {
                    rows.push(row(id(), Some(day), None, None));
                }
            }
            QuestionKind::Consent { .. } => rows.push(row(id(), None, Some("true"), None)),
            // One row per chosen choice; a ranking's rows carry the place too.
            QuestionKind::Ranking { .. } => {
                for (place, c) in value.as_array().into_iter().flatten().filter_map(Value::as_str).enumerate() {
                    rows.push(row(id(), Some(place as i64 + 1), Some(c), None));
                }
            }
            kind if kind.answers_many() => {
                for c in value.as_array().into_iter().flatten().filter_map(Value::as_str) {
                    rows.push(row(id(), None, Some(c), None));
                }
            }
            // A matrix row, or a contact or address field, is indexed as `<question>.<part>`.
            QuestionKind::Matrix { .. } | QuestionKind::ContactInfo { .. } | QuestionKind::Address { .. } => {
                let matrix = matches!(question.kind, QuestionKind::Matrix { .. });
                // The question's own row: the overview counts responses that answered it.
                rows.push(row(id(), None, None, None));
                for (part, v) in value.as_object().into_iter().flatten() {
                    let Some(text) = v.as_str().filter(|t| !t.trim().is_empty()) else { continue };
                    let key = format!("{}.{part}", question.id);
                    rows.push(if matrix { row(key, None, Some(text), None) } else { row(key, None, None, Some(text)) });
                }
            }
            QuestionKind::SingleChoice { .. }
            | QuestionKind::Dropdown { .. }
            | QuestionKind::PictureChoice { .. }
            | QuestionKind::Statement { .. } => {
                if let Some(c) = value.as_str() {
                    rows.push(row(id(), None, Some(c), None));
                }
            }
            _ => {
                if let Some(text) = value.as_str() {
                    rows.push(row(id(), None, None, Some(text)));
                }
            }
        }
        if question.kind.allows_other() {
            let key = other_key(&question.id);
            if let Some(text) = answers.get(&key).and_then(Value::as_str) {
                rows.push(row(key, None, None, Some(text)));
            }
        }
    }
    rows
}

/// A `YYYY-MM-DD` date as days since 1970-01-01: how date answers are
/// indexed, so "before" and "after" are number comparisons.
pub fn day_number(date: &str) -> Option<i64> {
    let day = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    Some((day - chrono::NaiveDate::from_ymd_opt(1970, 1, 1)?).num_days())
}

/// The index rows' question ids the overview counts: each question, and
/// each matrix row and contact or address field (`<question>.<part>`).
pub fn counted_ids(questions: &[Question]) -> Vec<String> {
    let mut ids = Vec::new();
    for q in questions {
        ids.push(q.id.clone());
        ids.extend(q.kind.parts().into_iter().map(|part| format!("{}.{part}", q.id)));
    }
    ids
}

/// Rewrites the response's answer rows (and its hidden-field rows when `hidden` is given).
#[allow(clippy::too_many_arguments)]
pub async fn write(
    tx: &mut sqlx::AnyConnection,
    response_id: &str,
    survey_id: &str,
    questions: &[Question],
    answers: &Answers,
    hidden: Option<&Map<String, Value>>,
    created_at: i64,
    completed: bool,
) -> Result<(), AppError> {
    sqlx::query("DELETE FROM response_answers WHERE response_id = $1").bind(response_id).execute(&mut *tx).await?;
    insert(tx, response_id, survey_id, questions, answers, hidden, created_at, completed).await?;
    // A closed day's cached overview no longer holds.
    overview_days::day_changed(tx, survey_id, created_at).await?;
    sqlx::query("UPDATE responses SET answers_indexed = 1 WHERE id = $1").bind(response_id).execute(&mut *tx).await?;
    Ok(())
}

/// The rows of a response created in this transaction, which has none yet
/// (and is inserted with `answers_indexed = 1`): nothing to delete or mark.
#[allow(clippy::too_many_arguments)]
pub async fn insert(
    tx: &mut sqlx::AnyConnection,
    response_id: &str,
    survey_id: &str,
    questions: &[Question],
    answers: &Answers,
    hidden: Option<&Map<String, Value>>,
    created_at: i64,
    completed: bool,
) -> Result<(), AppError> {
    let mut batch = SqlBatch::default();
    push_insert(&mut batch, response_id, survey_id, questions, answers, hidden, created_at, completed);
    batch.execute(tx).await
}

/// [`insert`]'s statements, added to `batch` (to share its round trip).
#[allow(clippy::too_many_arguments)]
pub fn push_insert(
    batch: &mut SqlBatch,
    response_id: &str,
    survey_id: &str,
    questions: &[Question],
    answers: &Answers,
    hidden: Option<&Map<String, Value>>,
    created_at: i64,
    completed: bool,
) {
    let rows = rows_for(questions, answers);
    // A few rows per statement: a response has a handful of answers.
    for chunk in rows.chunks(50) {
        let mut sql = String::from(
            "INSERT INTO response_answers (response_id, survey_id, question_id, num_value, choice, text_value, created_at, \
             completed) VALUES ",
        );
        let mut params: Vec<Param> =
            vec![response_id.into(), survey_id.into(), created_at.into(), i64::from(completed).into()];
        for (i, row) in chunk.iter().enumerate() {
            let b = i * 4;
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("($1, $2, ${}, ${}, ${}, ${}, $3, $4)", b + 5, b + 6, b + 7, b + 8));
            params.extend([
                row.question_id.clone().into(),
                row.num_value.into(),
                row.choice.clone().into(),
                row.text_value.clone().into(),
            ]);
        }
        batch.push(sql, params);
    }
    if let Some(hidden) = hidden {
        let rows: Vec<(String, String)> = hidden
            .iter()
            .map(|(key, value)| (format!("{HIDDEN_PREFIX}{key}"), responses::metadata_text(value)))
            .collect();
        push_metadata(batch, response_id, survey_id, &rows);
    }
}

/// Adds `(key, value)` rows to `response_metadata`, a few hundred per
/// statement (one round trip for a typical response); a key the response
/// already has is left as it is.
pub async fn insert_metadata(
    tx: &mut sqlx::AnyConnection,
    response_id: &str,
    survey_id: &str,
    rows: &[(String, String)],
) -> Result<(), AppError> {
    let mut batch = SqlBatch::default();
    push_metadata(&mut batch, response_id, survey_id, rows);
    batch.execute(tx).await
}

/// [`insert_metadata`]'s statements, added to `batch`.
pub fn push_metadata(batch: &mut SqlBatch, response_id: &str, survey_id: &str, rows: &[(String, String)]) {
    for chunk in rows.chunks(200) {
        let mut sql = String::from("INSERT INTO response_metadata (response_id, survey_id, key, value) VALUES ");
        let mut params: Vec<Param> = vec![response_id.into(), survey_id.into()];
        for (i, (key, value)) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("($1, $2, ${}, ${})", 2 * i + 3, 2 * i + 4));
            params.extend([key.clone().into(), value.clone().into()]);
        }
        sql.push_str(" ON CONFLICT DO NOTHING");
        batch.push(sql, params);
    }
}

/// Indexes responses stored before the index existed, a batch at a time;
/// returns how many. Run at start-up (idempotent; replicas may race harmlessly).
pub async fn backfill(db: &Db) -> Result<usize, AppError> {
    let mut done = 0;
    loop {
        let rows = sqlx::query(
            "SELECT r.id, r.survey_id, r.answers, r.hidden_fields, r.created_at, r.completed, s.questions \
             FROM responses r JOIN surveys s ON s.id = r.survey_id WHERE r.answers_indexed = 0 LIMIT 500",
        )
        .fetch_all(db.pool())
        .await?;
        if rows.is_empty() {
            return Ok(done);
        }
        let mut tx = db.begin_write().await?;
        for row in &rows {
            let id: String = row.try_get("id")?;
            let survey_id: String = row.try_get("survey_id")?;
            let questions: Vec<Question> = crate::backend::db::json_column(row, "questions")?;
            let answers: Answers = crate::backend::db::json_column(row, "answers")?;
            let hidden: Map<String, Value> = crate::backend::db::json_column(row, "hidden_fields")?;
            let created_at: i64 = row.try_get("created_at")?;
            let completed = row.try_get::<i64, _>("completed")? != 0;
            write(&mut tx, &id, &survey_id, &questions, &answers, Some(&hidden), created_at, completed).await?;
        }
        tx.commit().await?;
        done += rows.len();
    }
}
