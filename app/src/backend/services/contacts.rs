//! Contacts: the people who answer. Here, linking a response to the
//! respondent the host page names (`updateMetadata(surveyId, {responder})`):
//! found by email, phone or external id, created when new.

use crate::backend::db::{internal, new_id, now_ms};
use crate::domain::ids::IdKind;
use crate::domain::response::Responder;
use crate::domain::AppError;
use sqlx::Row;

/// The contact for `responder` in the organisation, created if unknown;
/// names given now fill in names not known yet. Runs in the caller's
/// transaction, so a refused response leaves no contact behind.
pub async fn upsert_responder(
    tx: &mut sqlx::AnyConnection,
    org_id: &str,
    responder: &Responder,
) -> Result<String, AppError> {
    let lookups = [
        ("email", responder.email.as_deref().map(|e| e.trim().to_ascii_lowercase())),
        ("phone", responder.phone_number.as_deref().map(|p| p.trim().to_string())),
        ("external_id", responder.external_id.clone()),
    ];
    if let Some(id) = find(tx, org_id, &lookups, responder).await? {
        return Ok(id);
    }
    let id = new_id(IdKind::Contact);
    let now = now_ms();
    let inserted = sqlx::query(
        "INSERT INTO contacts (id, organization_id, email, phone, external_id, first_name, last_name, created_at, \
         updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) ON CONFLICT DO NOTHING",
    )
    .bind(&id)
    .bind(org_id)
    .bind(lookups[0].1.clone())
    .bind(lookups[1].1.clone())
    .bind(responder.external_id.clone())
    .bind(responder.first_name.clone())
    .bind(responder.last_name.clone())
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    if inserted.rows_affected() == 1 {
        return Ok(id);
    }
    // Someone created the same person at the same moment: that is the contact.
    find(tx, org_id, &lookups, responder).await?.ok_or_else(|| internal("contact vanished after a conflict"))
}

/// The first contact matching the email, then the phone, then the external
/// id; names given now fill in names not known yet.
async fn find(
    tx: &mut sqlx::AnyConnection,
    org_id: &str,
    lookups: &[(&str, Option<String>)],
    responder: &Responder,
) -> Result<Option<String>, AppError> {
    for (column, value) in lookups {
        let Some(value) = value else { continue };
        let found = sqlx::query(&format!("SELECT id FROM contacts WHERE organization_id = $1 AND {column} = $2"))
            .bind(org_id)
            .bind(value)
            .fetch_optional(&mut *tx)
            .await
            .map_err(internal)?;
        if let Some(row) = found {
            let id: String = row.try_get("id").map_err(internal)?;
            sqlx::query(
                "UPDATE contacts SET first_name = COALESCE(first_name, $1), last_name = COALESCE(last_name, $2), \
                 updated_at = $3 WHERE id = $4",
            )
            .bind(responder.first_name.clone())
            .bind(responder.last_name.clone())
            .bind(now_ms())
            .bind(&id)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
            return Ok(Some(id));
        }
    }
    Ok(None)
}
