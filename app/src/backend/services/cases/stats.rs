//! The inbox's counts and the survey overview's case figures.

use crate::backend::db::{now_ms, Db};
use crate::domain::case::CaseStats;
use crate::domain::ids::{is_valid, IdKind};
use crate::domain::AppError;
use sqlx::Row;

/// Counts by status, the caller's (`me`), unassigned and overdue ones, and
/// the median time to resolution; of one survey or the whole organisation.
pub async fn stats(db: &Db, org_id: &str, me: &str, survey_id: Option<&str>) -> Result<CaseStats, AppError> {
    if survey_id.is_some_and(|id| !is_valid(IdKind::Survey, id)) {
        return Err(AppError::field("surveyId", "a survey id (srv_…)"));
    }
    let survey = if survey_id.is_some() { " AND survey_id = $4" } else { "" };
    let active = "status IN ('open', 'in_progress')";
    let sql = format!(
        "SELECT COUNT(CASE WHEN status = 'open' THEN 1 END) AS open, \
         COUNT(CASE WHEN status = 'in_progress' THEN 1 END) AS in_progress, \
         COUNT(CASE WHEN status = 'resolved' THEN 1 END) AS resolved, \
         COUNT(CASE WHEN status = 'closed' THEN 1 END) AS closed, \
         COUNT(CASE WHEN {active} AND assignee_id = $2 THEN 1 END) AS mine, \
         COUNT(CASE WHEN {active} AND assignee_id IS NULL THEN 1 END) AS unassigned, \
         COUNT(CASE WHEN {active} AND due_at < $3 THEN 1 END) AS overdue, \
         COUNT(resolved_at) AS timed \
         FROM cases WHERE organization_id = $1{survey}"
    );
    let mut query = sqlx::query(&sql).bind(org_id).bind(me).bind(now_ms());
    if let Some(survey_id) = survey_id {
        query = query.bind(survey_id);
    }
    let row = query.fetch_one(db.pool()).await?;
    let timed: i64 = row.try_get("timed")?;
    Ok(CaseStats {
        open: row.try_get("open")?,
        in_progress: row.try_get("in_progress")?,
        resolved: row.try_get("resolved")?,
        closed: row.try_get("closed")?,
        mine: row.try_get("mine")?,
        unassigned: row.try_get("unassigned")?,
        overdue: row.try_get("overdue")?,
        median_seconds_to_resolution: median_ms(db, org_id, survey_id, timed).await?.map(|ms| ms / 1000),
    })
}

/// The middle of the `timed` resolution times (the mean of the two middle
/// ones for an even count), read by offset rather than fetching them all.
async fn median_ms(db: &Db, org_id: &str, survey_id: Option<&str>, timed: i64) -> Result<Option<i64>, AppError> {
    if timed == 0 {
        return Ok(None);
    }
    let survey = if survey_id.is_some() { " AND survey_id = $3" } else { "" };
    let (limit, offset) = if timed % 2 == 0 { (2, timed / 2 - 1) } else { (1, timed / 2) };
    let sql = format!(
        "SELECT resolved_at - created_at AS took FROM cases WHERE organization_id = $1 AND resolved_at IS NOT NULL \
         {survey} ORDER BY took LIMIT {limit} OFFSET $2"
    );
    let mut query = sqlx::query(&sql).bind(org_id).bind(offset);
    if let Some(survey_id) = survey_id {
        query = query.bind(survey_id);
    }
    let rows = query.fetch_all(db.pool()).await?;
    let took: Vec<i64> = rows.iter().map(|r| r.try_get::<i64, _>("took")).collect::<Result<_, _>>()?;
    Ok((!took.is_empty()).then(|| took.iter().sum::<i64>() / took.len() as i64))
}
