//! The outbox: every invitation email Vox produced, as sent over SMTP or, with
//! no SMTP configured, kept for the dashboard to show.

use crate::backend::db::{to_datetime, Db};
use crate::domain::distribution::OutboxMessage;
use crate::domain::page::{PageRequest, Paginated};
use crate::domain::AppError;
use sqlx::any::AnyRow;
use sqlx::Row;

fn from_row(row: &AnyRow) -> Result<OutboxMessage, AppError> {
    Ok(OutboxMessage {
        id: row.try_get("id")?,
        invitation_id: row.try_get("invitation_id")?,
        to: row.try_get("to_address")?,
        subject: row.try_get("subject")?,
        text_body: row.try_get("text_body")?,
        html_body: row.try_get("html_body")?,
        transport: row.try_get("transport")?,
        created_at: to_datetime(row.try_get("created_at")?),
    })
}

/// Messages, newest first.
pub async fn list(db: &Db, org_id: &str, page: PageRequest) -> Result<Paginated<OutboxMessage>, AppError> {
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) AS n FROM outbox_messages WHERE organization_id = $1")
        .bind(org_id)
        .fetch_one(db.pool())
        .await?;
    let rows = sqlx::query(
        "SELECT * FROM outbox_messages WHERE organization_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3",
    )
    .bind(org_id)
    .bind(i64::from(page.per_page))
    .bind(page.offset())
    .fetch_all(db.pool())
    .await?;
    let data = rows.iter().map(from_row).collect::<Result<_, _>>()?;
    Ok(Paginated::new(data, page, total))
}
