//! Cases: responses someone follows up. Reading them (one, a response's,
//! the inbox's lists and counts) here; opening and changing them in
//! `write`, which keeps the history and tells webhook subscribers.

mod history;
mod stats;
mod write;

pub use history::history;
pub use stats::stats;
pub use write::{create, unassign_member, update, Opener};

use crate::backend::db::{internal, now_ms, to_datetime, Db};
use crate::backend::services::responses::filter::{bind_all, Param};
use crate::domain::case::{Case, CaseMember, CasePriority, CaseSource, CaseStatus, CaseWithHistory};
use crate::domain::case_query::{AssigneeFilter, CaseQuery, CaseSort, CaseView};
use crate::domain::ids::{is_valid, IdKind};
use crate::domain::page::{PageRequest, Paginated};
use crate::domain::AppError;
use sqlx::any::AnyRow;
use sqlx::Row;

pub const CASE_CREATED: &str = "case.created";
pub const CASE_UPDATED: &str = "case.updated";

const SELECT: &str = "SELECT c.id, c.response_id, c.survey_id, c.title, c.status, c.priority, c.assignee_id, \
    a.email AS assignee_email, c.due_at, c.resolution, c.opened_by, o.email AS opener_email, c.source, \
    c.created_at, c.updated_at, c.resolved_at, c.closed_at \
    FROM cases c LEFT JOIN users a ON a.id = c.assignee_id LEFT JOIN users o ON o.id = c.opened_by";

const ACTIVE: &str = "c.status IN ('open', 'in_progress')";

fn member(id: Option<String>, email: Option<String>) -> Option<CaseMember> {
    id.zip(email).map(|(id, email)| CaseMember { id, email })
}

fn from_row(row: &AnyRow, now: i64) -> Result<Case, AppError> {
    let status_text: String = row.try_get("status")?;
    let status = CaseStatus::parse(&status_text).ok_or_else(|| internal(format!("case status {status_text}")))?;
    let priority_text: String = row.try_get("priority")?;
    let due_at: Option<i64> = row.try_get("due_at")?;
    Ok(Case {
        id: row.try_get("id")?,
        response_id: row.try_get("response_id")?,
        survey_id: row.try_get("survey_id")?,
        title: row.try_get("title")?,
        status,
        priority: CasePriority::parse(&priority_text).unwrap_or_default(),
        assignee: member(row.try_get("assignee_id")?, row.try_get("assignee_email")?),
        due_at: due_at.map(to_datetime),
        overdue: status.is_active() && due_at.is_some_and(|due| due < now),
        resolution: row.try_get("resolution")?,
        opened_by: member(row.try_get("opened_by")?, row.try_get("opener_email")?),
        source: CaseSource::parse(&row.try_get::<String, _>("source")?),
        created_at: to_datetime(row.try_get("created_at")?),
        updated_at: to_datetime(row.try_get("updated_at")?),
        resolved_at: row.try_get::<Option<i64>, _>("resolved_at")?.map(to_datetime),
        closed_at: row.try_get::<Option<i64>, _>("closed_at")?.map(to_datetime),
    })
}

/// A case of the organisation.
pub async fn get(db: &Db, org_id: &str, id: &str) -> Result<Case, AppError> {
    if !is_valid(IdKind::Case, id) {
        return Err(AppError::not_found("case"));
    }
    let row = sqlx::query(&format!("{SELECT} WHERE c.id = $1 AND c.organization_id = $2"))
        .bind(id)
        .bind(org_id)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(|r| from_row(r, now_ms())).transpose()?.ok_or_else(|| AppError::not_found("case"))
}

/// A case with every change made to it.
pub async fn get_with_history(db: &Db, org_id: &str, id: &str) -> Result<CaseWithHistory, AppError> {
    let case = get(db, org_id, id).await?;
    let history = history(db, &case.id).await?;
    Ok(CaseWithHistory { case, history })
}

/// The case on a response, if it has one.
pub async fn of_response(db: &Db, org_id: &str, response_id: &str) -> Result<Option<Case>, AppError> {
    if !is_valid(IdKind::Response, response_id) {
        return Err(AppError::not_found("response"));
    }
    let row = sqlx::query(&format!("{SELECT} WHERE c.response_id = $1 AND c.organization_id = $2"))
        .bind(response_id)
        .bind(org_id)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(|r| from_row(r, now_ms())).transpose()
}

/// The SQL condition (after the organisation's) and its parameters, numbered
/// from `$2`, for a query as `me` sees it at `now`.
fn condition(query: &CaseQuery, me: &str, now: i64) -> (String, Vec<Param>) {
    let mut sql = String::new();
    let mut params = Vec::new();
    let param = |p: Param, params: &mut Vec<Param>| {
        params.push(p);
        format!("${}", params.len() + 1)
    };
    match query.view {
        CaseView::Mine => {
            let me = param(Param::Text(me.to_string()), &mut params);
            sql.push_str(&format!(" AND {ACTIVE} AND c.assignee_id = {me}"));
        }
        CaseView::Unassigned => sql.push_str(&format!(" AND {ACTIVE} AND c.assignee_id IS NULL")),
        CaseView::Overdue => {
            let now = param(Param::Int(now), &mut params);
            sql.push_str(&format!(" AND {ACTIVE} AND c.due_at < {now}"));
        }
        CaseView::Active => sql.push_str(&format!(" AND {ACTIVE}")),
        CaseView::Done => sql.push_str(" AND c.status IN ('resolved', 'closed')"),
        CaseView::All => {}
    }
    if !query.statuses.is_empty() {
        let list: Vec<String> = query.statuses.iter().map(|s| format!("'{}'", s.as_str())).collect();
        sql.push_str(&format!(" AND c.status IN ({})", list.join(", ")));
    }
    match &query.assignee {
        Some(AssigneeFilter::Me) => {
            let me = param(Param::Text(me.to_string()), &mut params);
            sql.push_str(&format!(" AND c.assignee_id = {me}"));
        }
        Some(AssigneeFilter::None) => sql.push_str(" AND c.assignee_id IS NULL"),
        Some(AssigneeFilter::User(id)) => {
            let id = param(Param::Text(id.clone()), &mut params);
            sql.push_str(&format!(" AND c.assignee_id = {id}"));
        }
        None => {}
    }
    if let Some(survey) = &query.survey_id {
        let survey = param(Param::Text(survey.clone()), &mut params);
        sql.push_str(&format!(" AND c.survey_id = {survey}"));
    }
    if let Some(response) = &query.response_id {
        let response = param(Param::Text(response.clone()), &mut params);
        sql.push_str(&format!(" AND c.response_id = {response}"));
    }
    if let Some(priority) = query.priority {
        sql.push_str(&format!(" AND c.priority = '{}'", priority.as_str()));
    }
    (sql, params)
}

fn order(sort: CaseSort) -> &'static str {
    match sort {
        CaseSort::Newest => "c.created_at DESC, c.id DESC",
        CaseSort::Oldest => "c.created_at, c.id",
        CaseSort::Due => "CASE WHEN c.due_at IS NULL THEN 1 ELSE 0 END, c.due_at, c.created_at, c.id",
        CaseSort::Updated => "c.updated_at DESC, c.id DESC",
    }
}

/// The cases a query picks, a page at a time; `me` is the caller (for "mine").
pub async fn list(
    db: &Db,
    org_id: &str,
    me: &str,
    query: &CaseQuery,
    page: PageRequest,
) -> Result<Paginated<Case>, AppError> {
    let now = now_ms();
    let (condition, params) = condition(query, me, now);
    let n = params.len();
    let sql = format!(
        "{SELECT} WHERE c.organization_id = $1{condition} ORDER BY {} LIMIT ${} OFFSET ${}",
        order(query.sort),
        n + 2,
        n + 3
    );
    let rows = bind_all(sqlx::query(&sql).bind(org_id), &params)
        .bind(i64::from(page.per_page))
        .bind(page.offset())
        .fetch_all(db.pool())
        .await?;
    let count_sql = format!("SELECT COUNT(*) FROM cases c WHERE c.organization_id = $1{condition}");
    let total: i64 = {
        let row = bind_all(sqlx::query(&count_sql).bind(org_id), &params).fetch_one(db.pool()).await?;
        row.try_get(0)?
    };
    let cases = rows.iter().map(|r| from_row(r, now)).collect::<Result<_, _>>()?;
    Ok(Paginated::new(cases, page, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_follow_the_organisation() {
        let query = CaseQuery {
            view: CaseView::Overdue,
            assignee: Some(AssigneeFilter::User("usr_x".into())),
            survey_id: Some("srv_y".into()),
            ..Default::default()
        };
        let (sql, params) = condition(&query, "usr_me", 42);
        assert!(
            sql.contains("c.due_at < $2") && sql.contains("c.assignee_id = $3") && sql.contains("c.survey_id = $4")
        );
        assert_eq!(params.len(), 3);
    }
}
