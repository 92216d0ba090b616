//! Quick distributions: a survey sent to a list of contacts now (the e-satisfaction
//! integration pattern), and the per-contact status that follows it.

use crate::backend::db::{internal, new_id, now_ms, to_datetime, Db};
use crate::backend::services::outreach::contacts;
use crate::backend::services::outreach::invitations::{self, NewInvitation};
use crate::backend::services::outreach::mail_quota;
use crate::backend::services::surveys;
use crate::backend::AppState;
use crate::domain::contact::MAX_UPSERT;
use crate::domain::distribution::{
    BulkStatusEntry, Distribution, DistributionSummary, QuickDistributionInput, Skipped,
};
use crate::domain::error::Problems;
use crate::domain::ids::{is_valid, IdKind};
use crate::domain::survey::SurveyStatus;
use crate::domain::AppError;
use sqlx::Row;

pub async fn quick(
    state: &AppState,
    org_id: &str,
    survey_id: &str,
    input: QuickDistributionInput,
) -> Result<Distribution, AppError> {
    let db = &state.db;
    let survey = surveys::get(db, org_id, survey_id).await?;
    let mut problems = Problems::default();
    if input.channel != "email" {
        problems.add("channel", "must be \"email\"");
    }
    if input.contact_ids.is_empty() && input.contacts.is_empty() {
        problems.add("contactIds", "name at least one contact (contactIds), or give them (contacts)");
    }
    if input.contact_ids.len() + input.contacts.len() > MAX_UPSERT {
        problems.add("contacts", format!("at most {MAX_UPSERT} contacts per distribution"));
    }
    if survey.status != SurveyStatus::Published {
        problems.add("surveyId", "only a published survey can be sent");
    }
    if let Some(locale) = &input.locale {
        if !crate::domain::contact::is_locale(locale) {
            problems.add("locale", "a language tag such as de or de_DE");
        }
    }
    for (i, c) in input.contacts.iter().enumerate() {
        c.validate(&mut problems, &format!("contacts[{i}]"));
    }
    let mut contact_ids = Vec::new();
    for (i, id) in input.contact_ids.iter().enumerate() {
        match contacts::get(db, org_id, id).await {
            Ok(_) => contact_ids.push(id.clone()),
            Err(AppError::NotFound { .. }) => problems.add(format!("contactIds[{i}]"), "no such contact"),
            Err(e) => return Err(e),
        }
    }
    problems.into_result()?;

    let id = new_id(IdKind::Distribution);
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    for (i, contact) in input.contacts.iter().enumerate() {
        let (contact_id, _) = contacts::upsert_in(&mut tx, org_id, contact, &format!("contacts[{i}]")).await?;
        contact_ids.push(contact_id);
    }
    let mut seen = std::collections::HashSet::new();
    contact_ids.retain(|c| seen.insert(c.clone()));
    let (mut invited, mut skipped) = (Vec::new(), Vec::new());
    for contact_id in &contact_ids {
        let row = sqlx::query("SELECT email, opted_out FROM contacts WHERE id = $1")
            .bind(contact_id)
            .fetch_one(&mut *tx)
            .await?;
        let email: Option<String> = row.try_get("email")?;
        let reason = if row.try_get::<i64, _>("opted_out")? != 0 {
            Some("opted_out")
        } else if email.is_none() {
            Some("no_email")
        } else {
            None
        };
        if let Some(reason) = reason {
            skipped.push(Skipped { contact_id: contact_id.clone(), reason: reason.into() });
            continue;
        }
        let new = NewInvitation {
            org_id,
            survey_id,
            contact_id,
            event_id: None,
            distribution_id: Some(&id),
            locale: input.locale.as_deref(),
            metadata: serde_json::Map::from_iter([(
                "distributionId".to_string(),
                serde_json::Value::String(id.clone()),
            )]),
            send_at: now,
            dedupe_key: None,
        };
        let invitation_id =
            invitations::create_in(&mut tx, &new).await?.ok_or_else(|| internal("no dedupe key, no conflict"))?;
        invited.push(invitation_id);
    }
    // In the transaction that added them: the count includes them.
    mail_quota::check(state, &mut tx, org_id, 0).await?;
    sqlx::query(
        "INSERT INTO distributions (id, organization_id, survey_id, channel, invited, skipped, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(org_id)
    .bind(survey_id)
    .bind(&input.channel)
    .bind(invited.len() as i64)
    .bind(skipped.len() as i64)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    state.invitation_wakeup.notify_one();
    let mut invitations_out = Vec::with_capacity(invited.len());
    for invitation_id in &invited {
        invitations_out.push(invitations::get(db, org_id, invitation_id).await?);
    }
    Ok(Distribution {
        id,
        survey_id: survey_id.to_string(),
        channel: input.channel,
        created_at: to_datetime(now),
        invitations: invitations_out,
        skipped,
    })
}

/// The survey's distributions, newest first.
pub async fn list(db: &Db, org_id: &str, survey_id: &str) -> Result<Vec<DistributionSummary>, AppError> {
    surveys::get(db, org_id, survey_id).await?;
    let rows = sqlx::query(
        "SELECT * FROM distributions WHERE organization_id = $1 AND survey_id = $2 ORDER BY created_at DESC, id DESC LIMIT 200",
    )
    .bind(org_id)
    .bind(survey_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(DistributionSummary {
                id: r.try_get("id")?,
                survey_id: r.try_get("survey_id")?,
                channel: r.try_get("channel")?,
                invited: r.try_get("invited")?,
                skipped: r.try_get("skipped")?,
                created_at: to_datetime(r.try_get("created_at")?),
            })
        })
        .collect()
}

/// At most this many contacts per bulk-status call.
pub const MAX_STATUS_CONTACTS: usize = 1_000;

/// Per-contact status for the contacts named, or for a distribution's contacts.
pub async fn bulk_status(
    db: &Db,
    org_id: &str,
    survey_id: &str,
    contact_ids: Option<Vec<String>>,
    distribution_id: Option<String>,
) -> Result<Vec<BulkStatusEntry>, AppError> {
    surveys::get(db, org_id, survey_id).await?;
    let ids = match (contact_ids, distribution_id) {
        (Some(ids), None) => {
            if ids.is_empty() || ids.len() > MAX_STATUS_CONTACTS {
                return Err(AppError::field(
                    "contactIds",
                    format!("1 to {MAX_STATUS_CONTACTS} contact ids, comma-separated"),
                ));
            }
            ids
        }
        (None, Some(distribution)) => {
            if !is_valid(IdKind::Distribution, &distribution) {
                return Err(AppError::field("distributionId", "not a distribution id (dst_…)"));
            }
            invitations::contacts_of_distribution(db, org_id, &distribution).await?
        }
        _ => return Err(AppError::field("contactIds", "give contactIds or distributionId (one of them)")),
    };
    invitations::bulk_status(db, org_id, survey_id, &ids).await
}
