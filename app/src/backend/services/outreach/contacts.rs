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
    .await?;
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
            .await?;
        if let Some(row) = found {
            let id: String = row.try_get("id")?;
            sqlx::query(
                "UPDATE contacts SET first_name = COALESCE(first_name, $1), last_name = COALESCE(last_name, $2), \
                 updated_at = $3 WHERE id = $4",
            )
            .bind(responder.first_name.clone())
            .bind(responder.last_name.clone())
            .bind(now_ms())
            .bind(&id)
            .execute(&mut *tx)
            .await?;
            return Ok(Some(id));
        }
    }
    Ok(None)
}

// ---- The directory: upsert, list, get, delete, opt-out. ----

use crate::backend::db::{json_column, to_datetime, Db};
use crate::backend::services::outreach::invitations;
use crate::domain::contact::{Contact, ContactInput, MAX_UPSERT};
use crate::domain::error::Problems;
use crate::domain::ids::is_valid;
use crate::domain::page::{PageRequest, Paginated};
use sqlx::any::AnyRow;

fn from_row(row: &AnyRow) -> Result<Contact, AppError> {
    Ok(Contact {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        phone: row.try_get("phone")?,
        external_id: row.try_get("external_id")?,
        first_name: row.try_get("first_name")?,
        last_name: row.try_get("last_name")?,
        locale: row.try_get("locale")?,
        attributes: json_column(row, "attributes")?,
        opted_out: row.try_get::<i64, _>("opted_out")? != 0,
        opted_out_by: row.try_get("opted_out_by")?,
        created_at: to_datetime(row.try_get("created_at")?),
        updated_at: to_datetime(row.try_get("updated_at")?),
    })
}

/// The result of an upsert call.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UpsertResult {
    /// The contacts, in the order given.
    pub data: Vec<Contact>,
    pub created: usize,
    pub updated: usize,
}

/// Creates or updates up to 1,000 contacts in one transaction: all or none.
pub async fn upsert_many(
    db: &Db,
    org_id: &str,
    inputs: &[ContactInput],
    single: bool,
) -> Result<UpsertResult, AppError> {
    let mut problems = Problems::default();
    if inputs.is_empty() {
        problems.add("contacts", "at least one contact");
    }
    if inputs.len() > MAX_UPSERT {
        problems.add("contacts", format!("at most {MAX_UPSERT} contacts per call"));
    }
    for (i, input) in inputs.iter().enumerate().take(MAX_UPSERT) {
        input.validate(&mut problems, &if single { String::new() } else { format!("[{i}]") });
    }
    problems.into_result()?;
    let mut tx = db.begin_write().await?;
    let (mut ids, mut created) = (Vec::with_capacity(inputs.len()), 0);
    for (i, input) in inputs.iter().enumerate() {
        let at = if single { String::new() } else { format!("[{i}]") };
        let (id, new) = upsert_in(&mut tx, org_id, input, &at).await?;
        created += usize::from(new);
        ids.push(id);
    }
    tx.commit().await?;
    let mut data = Vec::with_capacity(ids.len());
    for id in &ids {
        data.push(get(db, org_id, id).await?);
    }
    Ok(UpsertResult { updated: data.len() - created, created, data })
}

/// One contact, found by external id, then email (then phone), in the
/// caller's transaction. Returns its id and whether it is new.
pub async fn upsert_in(
    tx: &mut sqlx::AnyConnection,
    org_id: &str,
    input: &ContactInput,
    at: &str,
) -> Result<(String, bool), AppError> {
    let email = input.normalized_email();
    let phone = input.phone.as_deref().map(|p| p.trim().to_string());
    let external_id = input.external_id.as_deref().map(|e| e.trim().to_string());
    let now = now_ms();
    for attempt in 0..2 {
        let mut existing = None;
        for (column, value) in [("external_id", &external_id), ("email", &email), ("phone", &phone)] {
            let Some(value) = value else { continue };
            let row = sqlx::query(&format!("SELECT * FROM contacts WHERE organization_id = $1 AND {column} = $2"))
                .bind(org_id)
                .bind(value)
                .fetch_optional(&mut *tx)
                .await?;
            if let Some(row) = row {
                existing = Some(from_row(&row)?);
                break;
            }
        }
        if let Some(current) = existing {
            let mut attributes = current.attributes.clone();
            if let Some(more) = &input.attributes {
                attributes.extend(more.clone());
            }
            let (opted_out, opted_out_by) = consent_after(&current, input.opted_out);
            let result = sqlx::query(
                "UPDATE contacts SET email = $1, phone = $2, external_id = $3, first_name = $4, last_name = $5, \
                 locale = $6, attributes = $7, opted_out = $8, opted_out_by = $11, updated_at = $9 WHERE id = $10",
            )
            .bind(email.clone().or(current.email))
            .bind(phone.clone().or(current.phone))
            .bind(external_id.clone().or(current.external_id))
            .bind(input.first_name.clone().or(current.first_name))
            .bind(input.last_name.clone().or(current.last_name))
            .bind(input.locale.clone().or(current.locale))
            .bind(serde_json::to_string(&attributes)?)
            .bind(i64::from(opted_out))
            .bind(now)
            .bind(&current.id)
            .bind(opted_out_by)
            .execute(&mut *tx)
            .await;
            return match result {
                Ok(_) => Ok((current.id, false)),
                // The email (or phone) belongs to another contact than the external id does.
                Err(e) if crate::backend::db::is_unique_violation(&e) => Err(AppError::field(
                    if at.is_empty() { "email".to_string() } else { format!("{at}.email") },
                    "another contact already has this email or phone",
                )),
                Err(e) => Err(internal(e)),
            };
        }
        let id = new_id(IdKind::Contact);
        let inserted = sqlx::query(
            "INSERT INTO contacts (id, organization_id, email, phone, external_id, first_name, last_name, locale, \
             attributes, opted_out, created_at, updated_at, opted_out_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12) ON CONFLICT DO NOTHING",
        )
        .bind(&id)
        .bind(org_id)
        .bind(email.clone())
        .bind(phone.clone())
        .bind(external_id.clone())
        .bind(input.first_name.clone())
        .bind(input.last_name.clone())
        .bind(input.locale.clone())
        .bind(serde_json::to_string(&input.attributes.clone().unwrap_or_default())?)
        .bind(i64::from(input.opted_out.unwrap_or(false)))
        .bind(now)
        .bind(input.opted_out.unwrap_or(false).then_some(ORGANIZATION))
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 1 {
            return Ok((id, true));
        }
        // Created concurrently by someone else: go round once more and update it.
        if attempt == 1 {
            break;
        }
    }
    Err(internal("contact upsert kept conflicting"))
}

/// Who opted a contact out (`contacts.opted_out_by`).
const RECIPIENT: &str = "recipient";
const ORGANIZATION: &str = "organization";

/// The consent an upsert leaves: the organisation may opt someone out, or
/// back in after its own opt-out, but never over the recipient's own choice.
fn consent_after(current: &Contact, wanted: Option<bool>) -> (bool, Option<String>) {
    let by_recipient = current.opted_out && current.opted_out_by.as_deref() == Some(RECIPIENT);
    match wanted {
        _ if by_recipient => (true, current.opted_out_by.clone()),
        Some(true) if current.opted_out => (true, current.opted_out_by.clone()),
        Some(true) => (true, Some(ORGANIZATION.into())),
        Some(false) => (false, None),
        None => (current.opted_out, current.opted_out_by.clone()),
    }
}

pub async fn get(db: &Db, org_id: &str, id: &str) -> Result<Contact, AppError> {
    if !is_valid(IdKind::Contact, id) {
        return Err(AppError::not_found("contact"));
    }
    let row = sqlx::query("SELECT * FROM contacts WHERE organization_id = $1 AND id = $2")
        .bind(org_id)
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(from_row).transpose()?.ok_or_else(|| AppError::not_found("contact"))
}

/// Contacts, newest first; `search` matches the start of email, names or external id.
pub async fn list(
    db: &Db,
    org_id: &str,
    search: Option<&str>,
    page: PageRequest,
) -> Result<Paginated<Contact>, AppError> {
    let pattern = search.map(|s| format!("{}%", s.trim().to_lowercase().replace(['%', '_'], "")));
    let filter = "organization_id = $1 AND ($2 IS NULL OR LOWER(COALESCE(email, '')) LIKE $2 \
        OR LOWER(COALESCE(first_name, '')) LIKE $2 OR LOWER(COALESCE(last_name, '')) LIKE $2 \
        OR LOWER(COALESCE(external_id, '')) LIKE $2)";
    let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) AS n FROM contacts WHERE {filter}"))
        .bind(org_id)
        .bind(pattern.clone())
        .fetch_one(db.pool())
        .await?;
    let rows = sqlx::query(&format!(
        "SELECT * FROM contacts WHERE {filter} ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4"
    ))
    .bind(org_id)
    .bind(pattern)
    .bind(i64::from(page.per_page))
    .bind(page.offset())
    .fetch_all(db.pool())
    .await?;
    let data = rows.iter().map(from_row).collect::<Result<_, _>>()?;
    Ok(Paginated::new(data, page, total))
}

/// The organisation turns invitations to this person off (or back on, unless
/// the person unsubscribed themselves). Scheduled invitations are cancelled.
pub async fn set_opted_out(db: &Db, org_id: &str, id: &str, opted_out: bool) -> Result<Contact, AppError> {
    let current = get(db, org_id, id).await?;
    if !opted_out && current.opted_out && current.opted_out_by.as_deref() == Some(RECIPIENT) {
        return Err(AppError::Conflict {
            code: "recipient_opted_out".into(),
            message: "this person unsubscribed themselves; only they can subscribe again (the link in any invitation)"
                .into(),
        });
    }
    let (opted_out, by) = consent_after(&current, Some(opted_out));
    write_consent(db, org_id, id, opted_out, by.as_deref()).await?;
    get(db, org_id, id).await
}

async fn write_consent(db: &Db, org_id: &str, id: &str, opted_out: bool, by: Option<&str>) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "UPDATE contacts SET opted_out = $1, opted_out_by = $2, updated_at = $3 WHERE organization_id = $4 AND id = $5",
    )
    .bind(i64::from(opted_out))
    .bind(by)
    .bind(now_ms())
    .bind(org_id)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if opted_out {
        invitations::cancel_scheduled_for_contact(&mut tx, org_id, id, "opted_out").await?;
    }
    Ok(tx.commit().await?)
}

/// Deletes the contact and their invitations; their responses stay, unlinked.
pub async fn delete(db: &Db, org_id: &str, id: &str) -> Result<(), AppError> {
    get(db, org_id, id).await?;
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE responses SET contact_id = NULL WHERE organization_id = $1 AND contact_id = $2")
        .bind(org_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM contacts WHERE organization_id = $1 AND id = $2")
        .bind(org_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    Ok(tx.commit().await?)
}

/// The unsubscribe link was confirmed: the contact it names is opted out
/// by the recipient (the signed link is the authority), which only they can
/// undo. False if the contact is gone.
pub async fn unsubscribe(db: &Db, contact_id: &str) -> Result<bool, AppError> {
    set_by_recipient(db, contact_id, true).await
}

/// The recipient changed their mind, through the same link.
pub async fn resubscribe(db: &Db, contact_id: &str) -> Result<bool, AppError> {
    set_by_recipient(db, contact_id, false).await
}

async fn set_by_recipient(db: &Db, contact_id: &str, opted_out: bool) -> Result<bool, AppError> {
    let row = sqlx::query("SELECT organization_id FROM contacts WHERE id = $1")
        .bind(contact_id)
        .fetch_optional(db.pool())
        .await?;
    let Some(row) = row else { return Ok(false) };
    let org_id: String = row.try_get("organization_id")?;
    write_consent(db, &org_id, contact_id, opted_out, opted_out.then_some(RECIPIENT)).await?;
    Ok(true)
}
