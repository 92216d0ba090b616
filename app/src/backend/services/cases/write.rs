//! Opening a case on a response and changing it. Every change goes into the
//! case's history and out to webhook subscribers (`case.created`,
//! `case.updated`) in the same transaction, so neither can be lost.

use super::history::{self, Change};
use super::{from_row, CASE_CREATED, CASE_UPDATED, SELECT};
use crate::backend::db::{is_foreign_key_violation, is_unique_violation, new_id, now_ms, to_datetime, DbKind};
use crate::backend::services::{responses, surveys};
use crate::backend::webhook_outbox;
use crate::backend::AppState;
use crate::domain::account::Role;
use crate::domain::case::{
    check_due, check_move, check_resolution, check_title, default_title, Case, CaseField, CaseInput, CaseMember,
    CasePatch, CaseSource, CaseStatus,
};
use crate::domain::error::Problems;
use crate::domain::ids::{is_valid, IdKind};
use crate::domain::AppError;
use chrono::{DateTime, Utc};
use sqlx::{AnyConnection, Row};

/// Who opens a case.
#[derive(Clone, Copy, Debug)]
pub enum Opener<'a> {
    /// A member (their user id), in the dashboard or with an API token.
    Member(&'a str),
    /// An alert rule.
    Rule,
}

impl Opener<'_> {
    fn member(self) -> Option<String> {
        match self {
            Opener::Member(id) => Some(id.to_string()),
            Opener::Rule => None,
        }
    }
}

/// A member who may be given a case, or the problem (named `field`).
async fn assignable(
    conn: &mut AnyConnection,
    problems: &mut Problems,
    field: &str,
    org_id: &str,
    user_id: &str,
) -> Result<Option<CaseMember>, AppError> {
    let row = if is_valid(IdKind::User, user_id) {
        sqlx::query(
            "SELECT u.id, u.email, m.role FROM memberships m JOIN users u ON u.id = m.user_id \
             WHERE m.organization_id = $1 AND m.user_id = $2",
        )
        .bind(org_id)
        .bind(user_id)
        .fetch_optional(&mut *conn)
        .await?
    } else {
        None
    };
    let Some(row) = row else {
        problems.add(field, "not a member of this organisation");
        return Ok(None);
    };
    if Role::parse(&row.try_get::<String, _>("role")?) == Some(Role::Viewer) {
        problems.add(field, "viewers read cases but cannot work on them; choose an owner or admin");
        return Ok(None);
    }
    Ok(Some(CaseMember { id: row.try_get("id")?, email: row.try_get("email")? }))
}

fn time_text(ms: Option<i64>) -> Option<String> {
    ms.map(|ms| to_datetime(ms).to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

fn millis(t: Option<DateTime<Utc>>) -> Option<i64> {
    t.map(|t| t.timestamp_millis())
}

/// Queues `event` about `case` for the survey's subscribers; ids-only
/// endpoints get the ids and the status.
async fn announce(
    conn: &mut AnyConnection,
    org_id: &str,
    event: &str,
    case: &Case,
    changes: Option<&[Change]>,
) -> Result<usize, AppError> {
    let mut data = serde_json::to_value(case)?;
    if let (Some(changes), Some(object)) = (changes, data.as_object_mut()) {
        object.insert("changes".into(), changes.iter().map(Change::to_json).collect());
    }
    let thin = serde_json::json!({
        "id": case.id, "responseId": case.response_id, "surveyId": case.survey_id, "status": case.status,
    });
    // Filed under the response: its events and its case's reach a receiver
    // in order, and deleting the response redacts both.
    webhook_outbox::enqueue_about(conn, org_id, Some(&case.survey_id), event, &data, &thin, &case.response_id).await
}

/// Opens a case on a response (one per response: 409 `case_exists` for a
/// second).
pub async fn create(state: &AppState, org_id: &str, opener: Opener<'_>, input: &CaseInput) -> Result<Case, AppError> {
    let now = now_ms();
    let title = input.check(to_datetime(now))?;
    if !is_valid(IdKind::Response, &input.response_id) {
        return Err(AppError::field("responseId", "a response id (rsp_…)"));
    }
    let response = match responses::get_untagged(&state.db, org_id, &input.response_id).await {
        Err(AppError::NotFound { .. }) => return Err(AppError::field("responseId", "no such response")),
        other => other?,
    };
    let title = match title {
        Some(title) => title,
        None => default_title(&surveys::get(&state.db, org_id, &response.survey_id).await?.name),
    };
    let mut tx = state.db.begin_write().await?;
    let mut problems = Problems::default();
    let assignee = match &input.assignee_id {
        Some(id) => assignable(&mut tx, &mut problems, "assigneeId", org_id, id).await?,
        None => None,
    };
    problems.into_result()?;
    let id = new_id(IdKind::Case);
    let priority = input.priority.unwrap_or_default();
    let due = millis(input.due_at);
    let inserted = sqlx::query(
        "INSERT INTO cases (id, organization_id, response_id, survey_id, title, status, priority, assignee_id, \
         due_at, opened_by, source, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 'open', $6, $7, $8, $9, $10, $11, $11)",
    )
    .bind(&id)
    .bind(org_id)
    .bind(&response.id)
    .bind(&response.survey_id)
    .bind(&title)
    .bind(priority.as_str())
    .bind(assignee.as_ref().map(|a| a.id.as_str()))
    .bind(due)
    .bind(opener.member())
    .bind(match opener {
        Opener::Member(_) => CaseSource::Member.as_str(),
        Opener::Rule => CaseSource::Rule.as_str(),
    })
    .bind(now)
    .execute(&mut *tx)
    .await;
    match inserted {
        Err(e) if is_unique_violation(&e) => {
            return Err(AppError::Conflict {
                code: "case_exists".into(),
                message: "this response has a case already; change that one".into(),
            })
        }
        // Deleted since it was read.
        Err(e) if is_foreign_key_violation(&e) => return Err(AppError::field("responseId", "no such response")),
        other => other?,
    };
    let mut changes = vec![Change::new(CaseField::Created, None, Some(CaseStatus::Open.as_str().into()))];
    if let Some(assignee) = &assignee {
        changes.push(Change::new(CaseField::Assignee, None, Some(assignee.id.clone())));
    }
    if due.is_some() {
        changes.push(Change::new(CaseField::DueAt, None, time_text(due)));
    }
    history::record(&mut tx, &id, opener.member().as_deref(), &changes, now).await?;
    let case = {
        let row = sqlx::query(&format!("{SELECT} WHERE c.id = $1")).bind(&id).fetch_one(&mut *tx).await?;
        from_row(&row, now)?
    };
    let queued = announce(&mut tx, org_id, CASE_CREATED, &case, None).await?;
    tx.commit().await?;
    if queued > 0 {
        state.webhook_wakeup.notify_one();
    }
    Ok(case)
}

/// Changes a case as `actor` (a member's user id); the history records each
/// field that changed, and nothing happens when none did. With `expected`
/// (the `updatedAt` the caller read, in milliseconds), a case changed
/// meanwhile is a 412 rather than an overwrite.
pub async fn update(
    state: &AppState,
    org_id: &str,
    actor: &str,
    id: &str,
    patch: &CasePatch,
    expected: Option<i64>,
) -> Result<Case, AppError> {
    super::get(&state.db, org_id, id).await?;
    let now = now_ms();
    let mut tx = state.db.begin_write().await?;
    // Read again under the write lock, so the history's "from" is what was
    // replaced even when two members change the case at once.
    let lock = if state.db.kind() == DbKind::Postgres { " FOR UPDATE OF c" } else { "" };
    let current = {
        let row = sqlx::query(&format!("{SELECT} WHERE c.id = $1 AND c.organization_id = $2{lock}"))
            .bind(id)
            .bind(org_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| AppError::not_found("case"))?;
        from_row(&row, now)?
    };
    if expected.is_some_and(|ms| ms != current.updated_at.timestamp_millis()) {
        return Err(AppError::PreconditionFailed);
    }
    let mut problems = Problems::default();
    let title = patch.title.as_deref().map(|t| check_title(&mut problems, "title", t));
    let resolution = match &patch.resolution {
        Some(Some(text)) => check_resolution(&mut problems, "resolution", text),
        Some(None) => None,
        None => current.resolution.clone(),
    };
    let status = patch.status.unwrap_or(current.status);
    check_move(&mut problems, current.status, status, resolution.is_some());
    let due = match patch.due_at {
        Some(Some(due)) => {
            if Some(due) != current.due_at {
                check_due(&mut problems, "dueAt", due, to_datetime(now));
            }
            Some(due)
        }
        Some(None) => None,
        None => current.due_at,
    };
    let assignee = match &patch.assignee_id {
        Some(Some(user)) if current.assignee.as_ref().is_some_and(|a| &a.id == user) => current.assignee.clone(),
        Some(Some(user)) => assignable(&mut tx, &mut problems, "assigneeId", org_id, user).await?,
        Some(None) => None,
        None => current.assignee.clone(),
    };
    problems.into_result()?;
    let title = title.unwrap_or_else(|| current.title.clone());
    let priority = patch.priority.unwrap_or(current.priority);

    let mut changes = Vec::new();
    let mut differs = |field, from: Option<String>, to: Option<String>| {
        if from != to {
            changes.push(Change::new(field, from, to));
        }
    };
    differs(CaseField::Status, Some(current.status.as_str().into()), Some(status.as_str().into()));
    differs(
        CaseField::Assignee,
        current.assignee.as_ref().map(|a| a.id.clone()),
        assignee.as_ref().map(|a| a.id.clone()),
    );
    differs(CaseField::DueAt, time_text(millis(current.due_at)), time_text(millis(due)));
    differs(CaseField::Priority, Some(current.priority.as_str().into()), Some(priority.as_str().into()));
    differs(CaseField::Title, Some(current.title.clone()), Some(title.clone()));
    differs(CaseField::Resolution, current.resolution.clone(), resolution.clone());
    if changes.is_empty() {
        return Ok(current);
    }
    if current.status == CaseStatus::Closed && status == CaseStatus::Closed {
        return Err(AppError::field("status", "a closed case does not change; reopen it (\"open\") first"));
    }

    let (resolved_at, closed_at) = match status {
        _ if status == current.status => (millis(current.resolved_at), millis(current.closed_at)),
        CaseStatus::Resolved => (Some(now), None),
        CaseStatus::Closed => (millis(current.resolved_at), Some(now)),
        // Reopened: the clock of resolution starts again.
        CaseStatus::Open | CaseStatus::InProgress => (None, None),
    };
    sqlx::query(
        "UPDATE cases SET title = $1, status = $2, priority = $3, assignee_id = $4, due_at = $5, resolution = $6, \
         resolved_at = $7, closed_at = $8, updated_at = $9 WHERE id = $10 AND organization_id = $11",
    )
    .bind(&title)
    .bind(status.as_str())
    .bind(priority.as_str())
    .bind(assignee.as_ref().map(|a| a.id.as_str()))
    .bind(millis(due))
    .bind(resolution.as_deref())
    .bind(resolved_at)
    .bind(closed_at)
    .bind(now)
    .bind(id)
    .bind(org_id)
    .execute(&mut *tx)
    .await?;
    history::record(&mut tx, id, Some(actor), &changes, now).await?;
    let case = {
        let row = sqlx::query(&format!("{SELECT} WHERE c.id = $1")).bind(id).fetch_one(&mut *tx).await?;
        from_row(&row, now)?
    };
    let queued = announce(&mut tx, org_id, CASE_UPDATED, &case, Some(&changes)).await?;
    tx.commit().await?;
    if queued > 0 {
        state.webhook_wakeup.notify_one();
    }
    Ok(case)
}

/// A member leaves (or becomes a viewer): their open and in-progress cases
/// are unassigned (by `actor`), recorded and announced in the caller's
/// transaction; finished ones keep who worked them. Returns the deliveries queued.
pub async fn unassign_member(
    conn: &mut AnyConnection,
    org_id: &str,
    member: &str,
    actor: Option<&str>,
) -> Result<usize, AppError> {
    let now = now_ms();
    let rows =
        sqlx::query(&format!("{SELECT} WHERE c.organization_id = $1 AND c.assignee_id = $2 AND {}", super::ACTIVE))
            .bind(org_id)
            .bind(member)
            .fetch_all(&mut *conn)
            .await?;
    let mut queued = 0;
    for row in rows {
        let mut case = from_row(&row, now)?;
        // Only if still theirs: a reassignment committed meanwhile stays.
        let unassigned = sqlx::query(
            "UPDATE cases SET assignee_id = NULL, updated_at = $1 WHERE id = $2 AND organization_id = $3 \
             AND assignee_id = $4",
        )
        .bind(now)
        .bind(&case.id)
        .bind(org_id)
        .bind(member)
        .execute(&mut *conn)
        .await?;
        if unassigned.rows_affected() == 0 {
            continue;
        }
        let changes = [Change::new(CaseField::Assignee, Some(member.to_string()), None)];
        history::record(&mut *conn, &case.id, actor, &changes, now).await?;
        case.assignee = None;
        case.updated_at = to_datetime(now);
        queued += announce(&mut *conn, org_id, CASE_UPDATED, &case, Some(&changes)).await?;
    }
    Ok(queued)
}
