//! Invitations: one personal survey link for one contact. Made by the
//! router or a quick distribution, sent by the scheduler, then followed as
//! the contact opens the link, starts and completes the survey.

use crate::backend::db::{json_column, new_id, now_ms, to_datetime, Db};
use crate::domain::distribution::{BulkStatusEntry, ContactStatus, Invitation};
use crate::domain::ids::IdKind;
use crate::domain::AppError;
use serde_json::{Map, Value};
use sqlx::any::AnyRow;
use sqlx::Row;

pub struct NewInvitation<'a> {
    pub org_id: &'a str,
    pub survey_id: &'a str,
    pub contact_id: &'a str,
    pub event_id: Option<&'a str>,
    pub distribution_id: Option<&'a str>,
    pub locale: Option<&'a str>,
    pub metadata: Map<String, Value>,
    pub send_at: i64,
    /// Invitations with the same key are made once; the second is refused.
    pub dedupe_key: Option<&'a str>,
}

/// Records a scheduled invitation in the caller's transaction; `None` when
/// its dedupe key was used before.
pub async fn create_in(tx: &mut sqlx::AnyConnection, new: &NewInvitation<'_>) -> Result<Option<String>, AppError> {
    let id = new_id(IdKind::Invitation);
    let done = sqlx::query(
        "INSERT INTO invitations (id, organization_id, survey_id, contact_id, event_id, distribution_id, transport, \
         locale, metadata, status, send_at, dedupe_key, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'email', $7, $8, 'scheduled', $9, $10, $11) ON CONFLICT DO NOTHING",
    )
    .bind(&id)
    .bind(new.org_id)
    .bind(new.survey_id)
    .bind(new.contact_id)
    .bind(new.event_id)
    .bind(new.distribution_id)
    .bind(new.locale)
    .bind(serde_json::to_string(&new.metadata)?)
    .bind(new.send_at)
    .bind(new.dedupe_key)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    Ok((done.rows_affected() == 1).then_some(id))
}

pub async fn id_for_dedupe_key(tx: &mut sqlx::AnyConnection, key: &str) -> Result<Option<String>, AppError> {
    Ok(sqlx::query_scalar("SELECT id FROM invitations WHERE dedupe_key = $1")
        .bind(key)
        .fetch_optional(&mut *tx)
        .await?)
}

/// Cancels what has not gone out yet to a contact who opted out.
pub async fn cancel_scheduled_for_contact(
    tx: &mut sqlx::AnyConnection,
    org_id: &str,
    contact_id: &str,
    reason: &str,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE invitations SET status = 'cancelled', last_error = $1 \
         WHERE organization_id = $2 AND contact_id = $3 AND status = 'scheduled'",
    )
    .bind(reason)
    .bind(org_id)
    .bind(contact_id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

fn from_row(row: &AnyRow) -> Result<Invitation, AppError> {
    let time = |column: &str| -> Result<Option<chrono::DateTime<chrono::Utc>>, AppError> {
        Ok(row.try_get::<Option<i64>, _>(column)?.map(to_datetime))
    };
    Ok(Invitation {
        id: row.try_get("id")?,
        survey_id: row.try_get("survey_id")?,
        contact_id: row.try_get("contact_id")?,
        event_id: row.try_get("event_id")?,
        distribution_id: row.try_get("distribution_id")?,
        transport: row.try_get("transport")?,
        locale: row.try_get("locale")?,
        status: row.try_get("status")?,
        send_at: to_datetime(row.try_get("send_at")?),
        sent_at: time("sent_at")?,
        opened_at: time("opened_at")?,
        started_at: time("started_at")?,
        completed_at: time("completed_at")?,
        response_id: row.try_get("response_id")?,
        last_error: row.try_get("last_error")?,
        created_at: to_datetime(row.try_get("created_at")?),
    })
}

pub async fn get(db: &Db, org_id: &str, id: &str) -> Result<Invitation, AppError> {
    let row = sqlx::query("SELECT * FROM invitations WHERE organization_id = $1 AND id = $2")
        .bind(org_id)
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(from_row).transpose()?.ok_or_else(|| AppError::not_found("invitation"))
}

/// An invitation a link names, with what the response inherits from it.
pub struct LinkedInvitation {
    pub invitation: Invitation,
    pub organization_id: String,
    pub metadata: Map<String, Value>,
}

/// The invitation behind a genuine link token, whatever its organisation
/// (the token itself is the authority).
pub async fn by_id(db: &Db, id: &str) -> Result<Option<LinkedInvitation>, AppError> {
    let row = sqlx::query("SELECT * FROM invitations WHERE id = $1").bind(id).fetch_optional(db.pool()).await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(LinkedInvitation {
        invitation: from_row(&row)?,
        organization_id: row.try_get("organization_id")?,
        metadata: json_column(&row, "metadata")?,
    }))
}

/// The contact opened the link (first time only).
pub async fn mark_opened(db: &Db, id: &str) -> Result<(), AppError> {
    sqlx::query("UPDATE invitations SET opened_at = $1 WHERE id = $2 AND opened_at IS NULL")
        .bind(now_ms())
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Links the invitation to its (first and only) response, in the response's
/// transaction. A second response through the same link is a conflict.
pub async fn attach_response(
    tx: &mut sqlx::AnyConnection,
    invitation_id: &str,
    response_id: &str,
    completed: bool,
) -> Result<(), AppError> {
    let now = now_ms();
    let done = sqlx::query(
        "UPDATE invitations SET response_id = $1, opened_at = COALESCE(opened_at, $2), started_at = $2, \
         completed_at = $3 WHERE id = $4 AND response_id IS NULL",
    )
    .bind(response_id)
    .bind(now)
    .bind(completed.then_some(now))
    .bind(invitation_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 1 {
        Ok(())
    } else {
        Err(AppError::Conflict {
            code: "invitation_used".into(),
            message: "this invitation has already been answered".into(),
        })
    }
}

/// The response that came through an invitation was completed.
pub async fn mark_completed(tx: &mut sqlx::AnyConnection, invitation_id: &str) -> Result<(), AppError> {
    sqlx::query("UPDATE invitations SET completed_at = $1 WHERE id = $2 AND completed_at IS NULL")
        .bind(now_ms())
        .bind(invitation_id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Per contact, the furthest any of their invitations to the survey got
/// (or a completed response of theirs without an invitation).
pub async fn bulk_status(
    db: &Db,
    org_id: &str,
    survey_id: &str,
    contact_ids: &[String],
) -> Result<Vec<BulkStatusEntry>, AppError> {
    let mut entries = Vec::with_capacity(contact_ids.len());
    for contact_id in contact_ids {
        let rows =
            sqlx::query("SELECT * FROM invitations WHERE organization_id = $1 AND survey_id = $2 AND contact_id = $3")
                .bind(org_id)
                .bind(survey_id)
                .bind(contact_id)
                .fetch_all(db.pool())
                .await?;
        let invitations = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
        let best = invitations.iter().max_by_key(|i| (i.contact_status(), i.created_at));
        let mut entry = match best {
            Some(i) => BulkStatusEntry {
                contact_id: contact_id.clone(),
                status: i.contact_status(),
                invitation_id: Some(i.id.clone()),
                response_id: i.response_id.clone(),
                updated_at: i.completed_at.or(i.started_at).or(i.opened_at).or(i.sent_at),
            },
            None => BulkStatusEntry {
                contact_id: contact_id.clone(),
                status: ContactStatus::NotSent,
                invitation_id: None,
                response_id: None,
                updated_at: None,
            },
        };
        if entry.status < ContactStatus::Completed {
            // Answered another way (the embed with `responder`, the API): completed all the same.
            let row = sqlx::query(
                "SELECT id, completed_at FROM responses WHERE organization_id = $1 AND survey_id = $2 AND contact_id = $3 \
                 AND completed = 1 ORDER BY completed_at LIMIT 1",
            )
            .bind(org_id)
            .bind(survey_id)
            .bind(contact_id)
            .fetch_optional(db.pool())
            .await?;
            if let Some(row) = row {
                entry.status = ContactStatus::Completed;
                entry.response_id = Some(row.try_get("id")?);
                entry.updated_at = row.try_get::<Option<i64>, _>("completed_at")?.map(to_datetime);
            }
        }
        entries.push(entry);
    }
    Ok(entries)
}

/// The contacts a distribution invited, in order.
pub async fn contacts_of_distribution(db: &Db, org_id: &str, distribution_id: &str) -> Result<Vec<String>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT contact_id FROM invitations WHERE organization_id = $1 AND distribution_id = $2 ORDER BY created_at, id",
    )
    .bind(org_id)
    .bind(distribution_id)
    .fetch_all(db.pool())
    .await?)
}

/// The survey's invitations, newest first (the dashboard's list).
pub async fn list_for_survey(db: &Db, org_id: &str, survey_id: &str, limit: i64) -> Result<Vec<Invitation>, AppError> {
    let rows = sqlx::query(
        "SELECT * FROM invitations WHERE organization_id = $1 AND survey_id = $2 ORDER BY created_at DESC, id DESC LIMIT $3",
    )
    .bind(org_id)
    .bind(survey_id)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(from_row).collect()
}

/// The survey's latest invitations with each contact's email (the dashboard's list).
pub async fn list_with_emails(
    db: &Db,
    org_id: &str,
    survey_id: &str,
    limit: i64,
) -> Result<Vec<(Invitation, Option<String>)>, AppError> {
    let rows = sqlx::query(
        "SELECT i.*, c.email AS contact_email FROM invitations i LEFT JOIN contacts c ON c.id = i.contact_id \
         WHERE i.organization_id = $1 AND i.survey_id = $2 ORDER BY i.created_at DESC, i.id DESC LIMIT $3",
    )
    .bind(org_id)
    .bind(survey_id)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(|r| Ok((from_row(r)?, r.try_get("contact_email")?))).collect()
}
