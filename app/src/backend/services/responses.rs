//! Accepting responses from respondents, and reading them back for the
//! organisation that owns the survey.

use super::surveys::SurveyDefinition;
use crate::backend::db::{internal, json_column, new_id, now_ms, to_datetime, Db};
use crate::domain::answers;
use crate::domain::error::Problems;
use crate::domain::ids::{is_valid, IdKind};
use crate::domain::page::{PageRequest, Paginated};
use crate::domain::response::{validate_flat_map, ResponseInput, SurveyResponse};
use crate::domain::survey::SurveyStatus;
use crate::domain::AppError;
use sqlx::any::AnyRow;
use sqlx::Row;

const COLUMNS: &str = "id, survey_id, answers, metadata, hidden_fields, contact_id, completed, \
    created_at, updated_at, completed_at";

/// Which responses of a survey to list.
#[derive(Clone, Debug, Default)]
pub struct ResponseFilter {
    pub completed: Option<bool>,
    /// Inclusive lower bound on creation time, epoch ms.
    pub from_ms: Option<i64>,
    /// Exclusive upper bound on creation time, epoch ms.
    pub to_ms: Option<i64>,
}

fn from_row(row: &AnyRow) -> Result<SurveyResponse, AppError> {
    let completed: i64 = row.try_get("completed").map_err(internal)?;
    let completed_at: Option<i64> = row.try_get("completed_at").map_err(internal)?;
    Ok(SurveyResponse {
        id: row.try_get("id").map_err(internal)?,
        survey_id: row.try_get("survey_id").map_err(internal)?,
        answers: json_column(row, "answers")?,
        metadata: json_column(row, "metadata")?,
        hidden_fields: json_column(row, "hidden_fields")?,
        contact_id: row.try_get("contact_id").map_err(internal)?,
        completed: completed != 0,
        created_at: to_datetime(row.try_get("created_at").map_err(internal)?),
        updated_at: to_datetime(row.try_get("updated_at").map_err(internal)?),
        completed_at: completed_at.map(to_datetime),
    })
}

/// Stores a respondent's answers to a published survey. Everything is
/// validated first; nothing is written unless all of it is acceptable.
pub async fn submit(db: &Db, survey_id: &str, input: ResponseInput) -> Result<SurveyResponse, AppError> {
    let definition = super::surveys::definition(db, survey_id).await?;
    submit_to(db, &definition, input).await
}

async fn submit_to(db: &Db, definition: &SurveyDefinition, input: ResponseInput) -> Result<SurveyResponse, AppError> {
    let (org_id, survey) = (&definition.organization_id, &definition.survey);
    let survey_id = survey.id.as_str();
    match survey.status {
        SurveyStatus::Published => {}
        SurveyStatus::Draft => return Err(AppError::not_found("survey")),
        SurveyStatus::Closed => {
            return Err(AppError::field("surveyId", "this survey is closed and no longer accepts responses"))
        }
    }
    let mut problems = Problems::default();
    validate_flat_map(&mut problems, "metadata", &input.metadata);
    validate_flat_map(&mut problems, "hiddenFields", &input.hidden_fields);
    if let Err(AppError::Validation { errors }) = answers::validate(&survey.questions, &input.answers, input.completed)
    {
        for e in errors {
            problems.add(e.field, e.message);
        }
    }
    problems.into_result()?;

    let id = new_id(IdKind::Response);
    let now = now_ms();
    sqlx::query(&format!(
        "INSERT INTO responses (organization_id, {COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8, $8, $9)"
    ))
    .bind(org_id)
    .bind(&id)
    .bind(survey_id)
    .bind(serde_json::to_string(&input.answers).map_err(internal)?)
    .bind(serde_json::to_string(&input.metadata).map_err(internal)?)
    .bind(serde_json::to_string(&input.hidden_fields).map_err(internal)?)
    .bind(i64::from(input.completed))
    .bind(now)
    .bind(input.completed.then_some(now))
    .execute(db.pool())
    .await
    .map_err(internal)?;
    Ok(SurveyResponse {
        id,
        survey_id: survey_id.to_string(),
        answers: input.answers,
        metadata: input.metadata,
        hidden_fields: input.hidden_fields,
        contact_id: None,
        completed: input.completed,
        created_at: to_datetime(now),
        updated_at: to_datetime(now),
        completed_at: input.completed.then(|| to_datetime(now)),
    })
}

pub async fn list(
    db: &Db,
    org_id: &str,
    survey_id: &str,
    filter: &ResponseFilter,
    page: PageRequest,
) -> Result<Paginated<SurveyResponse>, AppError> {
    super::surveys::get(db, org_id, survey_id).await?;
    // Optional filters are bound as NULL-able parameters, so one statement
    // serves every combination.
    let condition = "organization_id = $1 AND survey_id = $2 \
        AND ($3 IS NULL OR completed = $3) AND ($4 IS NULL OR created_at >= $4) AND ($5 IS NULL OR created_at < $5)";
    let completed = filter.completed.map(i64::from);
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM responses WHERE {condition} ORDER BY created_at DESC, id DESC LIMIT $6 OFFSET $7"
    ))
    .bind(org_id)
    .bind(survey_id)
    .bind(completed)
    .bind(filter.from_ms)
    .bind(filter.to_ms)
    .bind(i64::from(page.per_page))
    .bind(page.offset())
    .fetch_all(db.pool())
    .await
    .map_err(internal)?;
    let total: i64 = sqlx::query(&format!("SELECT COUNT(*) AS n FROM responses WHERE {condition}"))
        .bind(org_id)
        .bind(survey_id)
        .bind(completed)
        .bind(filter.from_ms)
        .bind(filter.to_ms)
        .fetch_one(db.pool())
        .await
        .map_err(internal)?
        .try_get("n")
        .map_err(internal)?;
    let data = rows.iter().map(from_row).collect::<Result<_, _>>()?;
    Ok(Paginated::new(data, page, total))
}

pub async fn get(db: &Db, org_id: &str, id: &str) -> Result<SurveyResponse, AppError> {
    if !is_valid(IdKind::Response, id) {
        return Err(AppError::not_found("response"));
    }
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM responses WHERE id = $1 AND organization_id = $2"))
        .bind(id)
        .bind(org_id)
        .fetch_optional(db.pool())
        .await
        .map_err(internal)?;
    row.as_ref().map(from_row).transpose()?.ok_or_else(|| AppError::not_found("response"))
}

pub async fn delete(db: &Db, org_id: &str, id: &str) -> Result<(), AppError> {
    get(db, org_id, id).await?;
    sqlx::query("DELETE FROM responses WHERE id = $1 AND organization_id = $2")
        .bind(id)
        .bind(org_id)
        .execute(db.pool())
        .await
        .map_err(internal)?;
    Ok(())
}

/// Reads a widget form post (fields named `q.<questionId>`, plus optional
/// `hidden.<name>` hidden fields) and submits it as a complete response.
pub async fn submit_form(db: &Db, survey_id: &str, fields: &[(String, String)]) -> Result<SurveyResponse, AppError> {
    let definition = super::surveys::definition(db, survey_id).await?;
    let answers = answers::from_form(&definition.survey.questions, fields)?;
    let hidden_fields = fields
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("hidden.").map(|name| (name.to_string(), serde_json::Value::String(v.clone())))
        })
        .collect();
    submit_to(db, &definition, ResponseInput { answers, hidden_fields, completed: true, ..Default::default() }).await
}
