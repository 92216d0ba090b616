//! An organisation's own mail server for its invitations (Settings → Email,
//! `/api/settings/smtp`). Without one, the server-wide `VOX_SMTP_URL` is
//! used, or the outbox. The password is sealed at rest and never returned;
//! the server is held to the same SSRF guard as webhook receivers.

use crate::backend::db::{internal, new_id, now_ms, Db};
use crate::backend::invitation_email::RenderedEmail;
use crate::backend::mailer::{Mailer, SendError, SmtpTarget};
use crate::backend::services::organization::audit;
use crate::backend::AppState;
use crate::domain::error::Problems;
use crate::domain::ids::IdKind;
use crate::domain::smtp::{SmtpSecurity, SmtpSettings, SmtpSettingsInput, SmtpTestResult};
use crate::domain::AppError;
use lettre::message::Mailbox;
use sqlx::any::AnyRow;
use sqlx::Row;
use std::sync::Arc;

const COLUMNS: &str = "host, port, security, username, password_sealed, from_address, updated_at";

pub async fn get(db: &Db, org_id: &str) -> Result<Option<SmtpSettings>, AppError> {
    Ok(load(db, org_id).await?.map(|(settings, _)| settings))
}

/// Saves the settings after checking them; returns them as stored.
pub async fn set(
    state: &AppState,
    org_id: &str,
    actor: &audit::Actor,
    input: &SmtpSettingsInput,
) -> Result<SmtpSettings, AppError> {
    let mut problems = Problems::default();
    input.validate(&mut problems);
    if !input.from.trim().is_empty() && input.from.trim().parse::<Mailbox>().is_err() {
        problems.add("from", "not an email address (surveys@shop.example, or Shop <surveys@shop.example>)");
    }
    problems.into_result()?;
    let host = input.host_name();
    check_reachable(state, &host, input.port).await?;
    let stored = load(&state.db, org_id).await?;
    // Absent keeps the stored password, empty removes it.
    let password_sealed = match input.password.as_deref() {
        Some("") => None,
        Some(password) => Some(state.secrets.seal(password)),
        None => stored.and_then(|(_, sealed)| sealed),
    };
    if password_sealed.is_some() && input.security == SmtpSecurity::None {
        return Err(AppError::field(
            "security",
            "a password is only sent over an encrypted connection: choose starttls or tls, or remove the password",
        ));
    }
    let username = input.username.as_deref().map(str::trim).filter(|u| !u.is_empty());
    let mut tx = state.db.begin_write().await?;
    sqlx::query("DELETE FROM organization_smtp WHERE organization_id = $1").bind(org_id).execute(&mut *tx).await?;
    sqlx::query(
        "INSERT INTO organization_smtp (organization_id, host, port, security, username, password_sealed, \
         from_address, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(org_id)
    .bind(&host)
    .bind(i64::from(input.port))
    .bind(input.security.as_str())
    .bind(username)
    .bind(&password_sealed)
    .bind(input.from.trim())
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    let db = &state.db;
    audit::record(
        db,
        org_id,
        actor,
        crate::domain::audit::AuditAction::SettingsChanged,
        audit::target("settings", "smtp"),
        serde_json::json!({"setting": "smtp", "host": host, "port": input.port}),
    )
    .await;
    get(&state.db, org_id).await?.ok_or(AppError::Internal)
}

/// Back to the server's own mail settings; `false` when there were none.
pub async fn remove(db: &Db, org_id: &str, actor: &audit::Actor) -> Result<bool, AppError> {
    let done =
        db.execute_write(sqlx::query("DELETE FROM organization_smtp WHERE organization_id = $1").bind(org_id)).await?;
    if done.rows_affected() > 0 {
        audit::record(
            db,
            org_id,
            actor,
            crate::domain::audit::AuditAction::SettingsChanged,
            audit::target("settings", "smtp"),
            serde_json::json!({"setting": "smtp", "removed": true}),
        )
        .await;
    }
    Ok(done.rows_affected() > 0)
}

/// The mailer an organisation's invitations go through: its own server
/// when it has one, else the operator's.
pub async fn mailer_for(state: &AppState, org_id: &str) -> Result<Arc<Mailer>, SendError> {
    state.mailers.for_organization(org_id, target(state, org_id).await?)
}

/// Where the organisation's mail goes now: its own server (resolved through
/// the SSRF guard), or `None` for the server's default; with a fingerprint
/// of the stored settings, which changes with every save (a sealed password
/// never seals the same way twice), so a cached connection is never stale.
pub async fn target(state: &AppState, org_id: &str) -> Result<Option<(String, SmtpTarget)>, SendError> {
    let Some((settings, sealed)) = load(&state.db, org_id).await.map_err(|e| SendError::Temporary(e.to_string()))?
    else {
        return Ok(None);
    };
    let fingerprint = format!(
        "{}|{}|{}|{:?}|{:?}|{}|{}",
        settings.host,
        settings.port,
        settings.security.as_str(),
        settings.username,
        sealed,
        settings.from,
        settings.updated_at
    );
    let password = match sealed {
        Some(sealed) => Some(state.secrets.open(&sealed).ok_or_else(|| {
            SendError::Permanent(
                "the stored SMTP password cannot be read with this server's key; enter it again".into(),
            )
        })?),
        None => None,
    };
    let from: Mailbox =
        settings.from.parse().map_err(|e| SendError::Permanent(format!("sender {:?}: {e}", settings.from)))?;
    let address = state
        .net_guard
        .resolve(&settings.host, settings.port)
        .await
        .map_err(SendError::Temporary)?
        .into_iter()
        .next()
        .ok_or_else(|| SendError::Temporary(format!("{} has no address", settings.host)))?;
    let credentials = match (settings.username.clone(), password) {
        (Some(user), Some(password)) => Some((user, password)),
        (Some(user), None) => Some((user, String::new())),
        _ => None,
    };
    Ok(Some((
        fingerprint,
        SmtpTarget { address, tls_name: settings.host.clone(), security: settings.security, credentials, from },
    )))
}

/// Sends a short message through whatever the organisation's invitations
/// use now, and reports the mail server's answer.
pub async fn send_test(state: &AppState, org_id: &str, to: &str) -> Result<SmtpTestResult, AppError> {
    if to.trim().parse::<Mailbox>().is_err() {
        return Err(AppError::field("to", "not an email address"));
    }
    let mailer = mailer_for(state, org_id).await;
    let mailer = match mailer {
        Ok(mailer) => mailer,
        Err(SendError::Temporary(why) | SendError::Permanent(why)) => {
            return Ok(SmtpTestResult { sent: false, detail: why })
        }
    };
    if matches!(*mailer, Mailer::Outbox) {
        return Err(AppError::Conflict {
            code: "no_mail_server".into(),
            message: "no mail server is configured: invitations are kept in the outbox".into(),
        });
    }
    let email = RenderedEmail {
        subject: "Vox test message".into(),
        text: "This message shows that Vox can send your survey invitations through this mail server.".into(),
        html: "<p>This message shows that Vox can send your survey invitations through this mail server.</p>".into(),
    };
    let message_id = format!("<test-{}@vox.invalid>", new_id(IdKind::Message));
    Ok(match mailer.send(to.trim(), &email, &message_id, None).await {
        Ok(()) => SmtpTestResult { sent: true, detail: format!("the mail server accepted a message to {}", to.trim()) },
        Err(SendError::Temporary(why) | SendError::Permanent(why)) => SmtpTestResult { sent: false, detail: why },
    })
}

async fn load(db: &Db, org_id: &str) -> Result<Option<(SmtpSettings, Option<String>)>, AppError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM organization_smtp WHERE organization_id = $1"))
        .bind(org_id)
        .fetch_optional(db.pool())
        .await?;
    row.map(|row| from_row(&row)).transpose()
}

fn from_row(row: &AnyRow) -> Result<(SmtpSettings, Option<String>), AppError> {
    let security: String = row.try_get("security")?;
    let sealed: Option<String> = row.try_get("password_sealed")?;
    let port: i64 = row.try_get("port")?;
    let settings = SmtpSettings {
        host: row.try_get("host")?,
        port: u16::try_from(port).map_err(internal)?,
        security: SmtpSecurity::parse(&security).ok_or_else(|| internal(format!("bad SMTP security {security}")))?,
        username: row.try_get("username")?,
        password_set: sealed.is_some(),
        from: row.try_get("from_address")?,
        updated_at: row.try_get("updated_at")?,
    };
    Ok((settings, sealed))
}

/// The SSRF guard's check on save, for the mail server's host and port.
async fn check_reachable(state: &AppState, host: &str, port: u16) -> Result<(), AppError> {
    let literal = if host.contains(':') { format!("[{host}]") } else { host.to_string() };
    // An http URL only as the carrier: its parser recognises IPv4 literals, which it leaves opaque for smtp:.
    let url = url::Url::parse(&format!("http://{literal}:{port}"))
        .map_err(|_| AppError::field("host", "a host name such as smtp.example.com, or an IP address"))?;
    state.net_guard.check_on_save(&url).await.map_err(|e| AppError::field("host", e))
}
