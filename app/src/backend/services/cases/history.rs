//! A case's history: every change, who made it and when, oldest first.

use crate::backend::db::{new_id, to_datetime, Db};
use crate::domain::case::{CaseEvent, CaseField, CaseMember};
use crate::domain::ids::IdKind;
use crate::domain::AppError;
use sqlx::{AnyConnection, Row};

/// One change about to be recorded.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub field: CaseField,
    pub from: Option<String>,
    pub to: Option<String>,
}

impl Change {
    pub fn new(field: CaseField, from: Option<String>, to: Option<String>) -> Change {
        Change { field, from, to }
    }

    /// As webhook payloads list it.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "field": self.field.as_str(), "from": self.from, "to": self.to })
    }
}

pub async fn history(db: &Db, case_id: &str) -> Result<Vec<CaseEvent>, AppError> {
    let rows = sqlx::query(
        "SELECT e.id, e.field, e.from_value, e.to_value, e.actor_id, u.email AS actor_email, e.at \
         FROM case_events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.case_id = $1 \
         ORDER BY e.at, e.position",
    )
    .bind(case_id)
    .fetch_all(db.pool())
    .await?;
    let mut events = Vec::with_capacity(rows.len());
    for row in rows {
        let field: String = row.try_get("field")?;
        let Some(field) = CaseField::parse(&field) else { continue };
        let actor_id: Option<String> = row.try_get("actor_id")?;
        let actor_email: Option<String> = row.try_get("actor_email")?;
        events.push(CaseEvent {
            id: row.try_get("id")?,
            field,
            from: row.try_get("from_value")?,
            to: row.try_get("to_value")?,
            actor: actor_id.zip(actor_email).map(|(id, email)| CaseMember { id, email }),
            at: to_datetime(row.try_get("at")?),
        });
    }
    Ok(events)
}

/// Records `changes`, made by `actor` (none for an alert rule) at `at`, in order.
pub async fn record(
    conn: &mut AnyConnection,
    case_id: &str,
    actor: Option<&str>,
    changes: &[Change],
    at: i64,
) -> Result<(), AppError> {
    for (position, change) in changes.iter().enumerate() {
        sqlx::query(
            "INSERT INTO case_events (id, case_id, actor_id, field, from_value, to_value, at, position) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(new_id(IdKind::CaseEvent))
        .bind(case_id)
        .bind(actor)
        .bind(change.field.as_str())
        .bind(change.from.as_deref())
        .bind(change.to.as_deref())
        .bind(at)
        .bind(position as i64)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
