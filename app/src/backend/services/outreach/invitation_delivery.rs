//! The scheduler's work: turning due invitations into emails. Each attempt
//! is claimed with a compare-and-set (several replicas never send the same
//! invitation at once; a crashed sender's claim lapses and another retries).
//! The email and the `sent` mark are recorded in one transaction.
//!
//! Delivery guarantee: with the outbox, exactly once. Over SMTP, at least
//! once: a crash in the moment between the SMTP server's acceptance and our
//! commit resends the message, with the same Message-ID so it can be
//! recognised as a duplicate.

use crate::backend::db::{new_id, now_ms};
use crate::backend::invitation_email::{render, Recipient};
use crate::backend::mailer::SendError;
use crate::backend::services::outreach::organization_smtp;
use crate::backend::services::surveys;
use crate::backend::AppState;
use crate::domain::ids::IdKind;
use crate::domain::AppError;
use sqlx::Row;

/// Waits before retrying a temporary SMTP failure; then the invitation fails.
const RETRY_AFTER_MS: [i64; 5] = [60_000, 300_000, 1_800_000, 7_200_000, 21_600_000];

/// Sends up to `limit` due invitations; returns how many went out.
pub async fn send_due(state: &AppState, owner: &str, limit: i64) -> Result<usize, AppError> {
    let now = now_ms();
    let rows = sqlx::query(
        "SELECT id, attempt_count FROM invitations WHERE status = 'scheduled' AND send_at <= $1 \
         AND (claimed_until IS NULL OR claimed_until < $1) ORDER BY send_at LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(state.db.pool())
    .await?;
    let mut sent = 0;
    for row in rows {
        let id: String = row.try_get("id")?;
        let attempts: i64 = row.try_get("attempt_count")?;
        if !claim(state, &id, attempts, owner).await? {
            continue;
        }
        match send_one(state, &id, attempts + 1, owner).await {
            Ok(true) => sent += 1,
            Ok(false) => {}
            Err(e) => {
                // Our claim lapses and the invitation is tried again (it was not marked sent).
                tracing::warn!(invitation = %id, error = %e, "sending an invitation failed");
            }
        }
    }
    Ok(sent)
}

async fn claim(state: &AppState, id: &str, attempts: i64, owner: &str) -> Result<bool, AppError> {
    let now = now_ms();
    let done = sqlx::query(
        "UPDATE invitations SET claimed_until = $1, claimed_by = $2, attempt_count = attempt_count + 1 \
         WHERE id = $3 AND status = 'scheduled' AND attempt_count = $4 AND send_at <= $5 \
         AND (claimed_until IS NULL OR claimed_until < $5)",
    )
    .bind(now + state.config.invitation_claim_secs as i64 * 1000)
    .bind(owner)
    .bind(id)
    .bind(attempts)
    .bind(now)
    .execute(state.db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The claimed invitation's email, sent (or kept) and recorded.
async fn send_one(state: &AppState, id: &str, attempt: i64, owner: &str) -> Result<bool, AppError> {
    let db = &state.db;
    let row = sqlx::query(
        "SELECT i.organization_id, i.survey_id, i.contact_id, i.locale, c.email, c.first_name, c.last_name, \
         c.locale AS contact_locale, c.opted_out, o.name AS organization_name \
         FROM invitations i JOIN contacts c ON c.id = i.contact_id JOIN organizations o ON o.id = i.organization_id \
         WHERE i.id = $1",
    )
    .bind(id)
    .fetch_one(db.pool())
    .await?;
    let org_id: String = row.try_get("organization_id")?;
    let survey_id: String = row.try_get("survey_id")?;
    let contact_id: String = row.try_get("contact_id")?;
    let email: Option<String> = row.try_get("email")?;
    let first_name: Option<String> = row.try_get("first_name")?;
    let last_name: Option<String> = row.try_get("last_name")?;
    let locale: Option<String> = row.try_get("locale")?;
    let contact_locale: Option<String> = row.try_get("contact_locale")?;
    let organization_name: String = row.try_get("organization_name")?;
    if row.try_get::<i64, _>("opted_out")? != 0 {
        return finish_without_sending(state, id, owner, "cancelled", "opted_out").await;
    }
    let Some(email) = email else {
        return finish_without_sending(state, id, owner, "failed", "no_email: the contact has no email address").await;
    };
    let definition = match surveys::definition(db, &survey_id).await {
        Ok(d) => d,
        Err(AppError::NotFound { .. }) => {
            return finish_without_sending(state, id, owner, "cancelled", "the survey was deleted").await
        }
        Err(e) => return Err(e),
    };
    let survey = &definition.survey;
    let languages = survey.options.languages();
    let preferences: Vec<String> = [locale, contact_locale]
        .into_iter()
        .flatten()
        .flat_map(|l| [l.replace('_', "-"), crate::domain::contact::primary_language(&l)])
        .collect();
    let language = crate::domain::i18n::choose(&languages, &survey.options.default_language, &preferences).to_string();
    let survey_name =
        survey.options.translations.get(&language).and_then(|t| t.name.clone()).unwrap_or_else(|| survey.name.clone());
    let base = state.config.public_url.as_str().trim_end_matches('/').to_string();
    let survey_link = format!("{base}/s/{survey_id}?i={}", state.invitation_links.issue(id));
    let unsubscribe_link = format!("{base}/u/{}", state.unsubscribe_links.issue(&contact_id));
    let rendered = render(
        &survey.options.invitation_email_for(&language),
        &Recipient {
            first_name: first_name.as_deref(),
            last_name: last_name.as_deref(),
            survey_name: &survey_name,
            organization_name: &organization_name,
            language: &language,
            survey_link: &survey_link,
            unsubscribe_link: &unsubscribe_link,
        },
    );
    let message_id = format!("<{id}@vox.invalid>");
    let mailer = match organization_smtp::mailer_for(state, &org_id).await {
        Ok(mailer) => mailer,
        Err(SendError::Permanent(why)) => return finish_without_sending(state, id, owner, "failed", &why).await,
        Err(SendError::Temporary(why)) => return retry_later(state, id, owner, attempt, why).await,
    };
    match mailer.send(&email, &rendered, &message_id, Some(&unsubscribe_link)).await {
        Ok(()) => {}
        Err(SendError::Permanent(why)) => return finish_without_sending(state, id, owner, "failed", &why).await,
        Err(SendError::Temporary(why)) => return retry_later(state, id, owner, attempt, why).await,
    }
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO outbox_messages (id, organization_id, invitation_id, to_address, subject, text_body, html_body, \
         transport, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING",
    )
    .bind(new_id(IdKind::Message))
    .bind(&org_id)
    .bind(id)
    .bind(&email)
    .bind(&rendered.subject)
    .bind(&rendered.text)
    .bind(&rendered.html)
    .bind(mailer.transport_name())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE invitations SET status = 'sent', sent_at = $1, claimed_until = NULL, last_error = NULL, locale = $2 \
         WHERE id = $3 AND claimed_by = $4",
    )
    .bind(now)
    .bind(&language)
    .bind(id)
    .bind(owner)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// A temporary failure: tried again after the next pause of the schedule,
/// or failed for good when the schedule is used up.
async fn retry_later(state: &AppState, id: &str, owner: &str, attempt: i64, why: String) -> Result<bool, AppError> {
    let Some(wait) = RETRY_AFTER_MS.get(attempt as usize - 1).copied() else {
        return finish_without_sending(state, id, owner, "failed", &why).await;
    };
    tracing::warn!(invitation = id, attempt, error = %why, "sending an invitation failed");
    sqlx::query(
        "UPDATE invitations SET send_at = $1, claimed_until = NULL, claimed_by = NULL, last_error = $2 \
         WHERE id = $3 AND claimed_by = $4",
    )
    .bind(now_ms() + wait)
    .bind(&why)
    .bind(id)
    .bind(owner)
    .execute(state.db.pool())
    .await?;
    Ok(false)
}

async fn finish_without_sending(
    state: &AppState,
    id: &str,
    owner: &str,
    status: &str,
    why: &str,
) -> Result<bool, AppError> {
    sqlx::query(
        "UPDATE invitations SET status = $1, last_error = $2, claimed_until = NULL WHERE id = $3 AND claimed_by = $4",
    )
    .bind(status)
    .bind(why)
    .bind(id)
    .bind(owner)
    .execute(state.db.pool())
    .await?;
    Ok(false)
}

/// The earliest time an invitation is due, for the scheduler's sleep.
pub async fn next_due_at(state: &AppState) -> Result<Option<i64>, AppError> {
    let row = sqlx::query("SELECT MIN(send_at) AS t FROM invitations WHERE status = 'scheduled'")
        .fetch_one(state.db.pool())
        .await?;
    Ok(row.try_get::<Option<i64>, _>("t")?)
}
