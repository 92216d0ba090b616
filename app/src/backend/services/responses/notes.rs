//! Members' internal notes on a response: written, edited by their author,
//! read by every member; never shown to respondents. A new note is the
//! `response.note.created` webhook event, which endpoints get only when they
//! subscribe to it by name (`domain::webhook::OPT_IN_EVENTS`).

use crate::backend::db::{new_id, now_ms, to_datetime, Db};
use crate::backend::services::responses;
use crate::backend::webhook_outbox;
use crate::backend::AppState;
use crate::domain::account::Role;
use crate::domain::ids::{is_valid, IdKind};
use crate::domain::tag::{NoteAuthor, NoteInput, ResponseNote};
use crate::domain::AppError;
use sqlx::any::AnyRow;
use sqlx::Row;

pub const NOTE_CREATED: &str = "response.note.created";

const SELECT: &str = "SELECT n.id, n.response_id, r.survey_id, n.author_id, u.email AS author_email, n.body, \
    n.created_at, n.updated_at FROM response_notes n JOIN responses r ON r.id = n.response_id \
    LEFT JOIN users u ON u.id = n.author_id";

fn from_row(row: &AnyRow) -> Result<ResponseNote, AppError> {
    let author_id: Option<String> = row.try_get("author_id")?;
    let author_email: Option<String> = row.try_get("author_email")?;
    Ok(ResponseNote {
        id: row.try_get("id")?,
        response_id: row.try_get("response_id")?,
        survey_id: row.try_get("survey_id")?,
        author: author_id.zip(author_email).map(|(id, email)| NoteAuthor { id, email }),
        body: row.try_get("body")?,
        created_at: to_datetime(row.try_get("created_at")?),
        updated_at: to_datetime(row.try_get("updated_at")?),
    })
}

/// A response's notes, oldest first.
pub async fn list(db: &Db, org_id: &str, response_id: &str) -> Result<Vec<ResponseNote>, AppError> {
    responses::get_untagged(db, org_id, response_id).await?;
    let rows = sqlx::query(&format!(
        "{SELECT} WHERE n.response_id = $1 AND n.organization_id = $2 ORDER BY n.created_at, n.id"
    ))
    .bind(response_id)
    .bind(org_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(from_row).collect()
}

pub async fn get(db: &Db, org_id: &str, response_id: &str, id: &str) -> Result<ResponseNote, AppError> {
    if !is_valid(IdKind::Note, id) {
        return Err(AppError::not_found("note"));
    }
    let row = sqlx::query(&format!("{SELECT} WHERE n.id = $1 AND n.organization_id = $2 AND n.response_id = $3"))
        .bind(id)
        .bind(org_id)
        .bind(response_id)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(from_row).transpose()?.ok_or_else(|| AppError::not_found("note"))
}

/// Writes a note as `author_id`; subscribers of `response.note.created` hear of it.
pub async fn create(
    state: &AppState,
    org_id: &str,
    author_id: &str,
    response_id: &str,
    input: &NoteInput,
) -> Result<ResponseNote, AppError> {
    let body = input.checked_body()?;
    let response = responses::get_untagged(&state.db, org_id, response_id).await?;
    let id = new_id(IdKind::Note);
    let now = now_ms();
    let mut tx = state.db.begin_write().await?;
    sqlx::query(
        "INSERT INTO response_notes (id, organization_id, response_id, author_id, body, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(&id)
    .bind(org_id)
    .bind(response_id)
    .bind(author_id)
    .bind(&body)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let note = {
        let row = sqlx::query(&format!("{SELECT} WHERE n.id = $1")).bind(&id).fetch_one(&mut *tx).await?;
        from_row(&row)?
    };
    let data = serde_json::to_value(&note)?;
    // Endpoints that take ids only get no text and no author.
    let thin = serde_json::json!({ "id": note.id, "responseId": note.response_id, "surveyId": note.survey_id });
    let queued = webhook_outbox::enqueue_about(
        &mut tx,
        org_id,
        Some(&response.survey_id),
        NOTE_CREATED,
        &data,
        &thin,
        response_id,
    )
    .await?;
    tx.commit().await?;
    if queued > 0 {
        state.webhook_wakeup.notify_one();
    }
    Ok(note)
}

/// Rewrites a note; only its author may.
pub async fn update(
    db: &Db,
    org_id: &str,
    user_id: &str,
    response_id: &str,
    id: &str,
    input: &NoteInput,
) -> Result<ResponseNote, AppError> {
    let body = input.checked_body()?;
    let note = get(db, org_id, response_id, id).await?;
    if note.author.as_ref().map(|a| a.id.as_str()) != Some(user_id) {
        return Err(AppError::Forbidden { message: "only its author can edit a note".into() });
    }
    db.execute_write(
        sqlx::query("UPDATE response_notes SET body = $1, updated_at = $2 WHERE id = $3 AND organization_id = $4")
            .bind(&body)
            .bind(now_ms())
            .bind(id)
            .bind(org_id),
    )
    .await?;
    get(db, org_id, response_id, id).await
}

/// Deletes a note: its author may, and owners and admins may delete anyone's.
/// Copies of it in the webhook log are redacted in the same transaction.
pub async fn delete(
    db: &Db,
    org_id: &str,
    user_id: &str,
    role: Role,
    response_id: &str,
    id: &str,
) -> Result<(), AppError> {
    let note = get(db, org_id, response_id, id).await?;
    let is_author = note.author.as_ref().is_some_and(|a| a.id == user_id);
    if !is_author && !matches!(role, Role::Owner | Role::Admin) {
        return Err(AppError::Forbidden { message: "only its author, an owner or an admin can delete a note".into() });
    }
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM response_notes WHERE id = $1 AND organization_id = $2")
        .bind(id)
        .bind(org_id)
        .execute(&mut *tx)
        .await?;
    // The note's deliveries are filed under its response; its id (letters,
    // digits and one underscore, which LIKE reads as any one character, itself
    // included) picks them out.
    let redacted =
        serde_json::json!({ "id": id, "responseId": note.response_id, "surveyId": note.survey_id, "redacted": true });
    sqlx::query(
        "UPDATE webhook_deliveries SET payload = $1 WHERE organization_id = $2 AND subject_id = $3 AND event = $4 \
         AND payload LIKE $5",
    )
    .bind(webhook_outbox::envelope(NOTE_CREATED, &redacted, false))
    .bind(org_id)
    .bind(response_id)
    .bind(NOTE_CREATED)
    .bind(format!("%\"{id}\"%"))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
