//! Organisation settings for the dashboard (metadata keys, retention, mail
//! server, allowed sites), and what the embed snippet needs.

use crate::domain::metadata_keys::MetadataPolicy;
use crate::domain::smtp::{SmtpSettings, SmtpSettingsInput, SmtpTestResult};
use crate::domain::AppError;
use leptos::prelude::*;
use server_fn::codec::Json;

#[cfg(feature = "ssr")]
use super::ctx;

#[server(prefix = "/rpc", endpoint = "get_metadata_policy")]
pub async fn get_metadata_policy() -> Result<MetadataPolicy, AppError> {
    ctx::as_member(|state, me| async move {
        crate::backend::services::organization::metadata_keys::policy(&state.db, &me.organization_id).await
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "save_metadata_policy", input = Json)]
pub async fn save_metadata_policy(policy: MetadataPolicy) -> Result<MetadataPolicy, AppError> {
    ctx::as_editor(|state, me| async move {
        crate::backend::services::organization::metadata_keys::save_policy(
            &state.db,
            &me.organization_id,
            &ctx::actor(&me),
            &policy,
        )
        .await
    })
    .await
}

/// The address customers' sites load `/embed.js` from (`VOX_PUBLIC_URL`).
#[server(prefix = "/rpc", endpoint = "public_url")]
pub async fn public_url() -> Result<String, AppError> {
    ctx::respond(
        async move {
            let state = ctx::state()?;
            ctx::me().await?;
            Ok(state.config.public_url.as_str().trim_end_matches('/').to_string())
        }
        .await,
    )
}

/// What the settings page shows about data, email and embedding.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OrganizationSettings {
    /// Days responses are kept; `None` keeps them for ever.
    pub retention_days: Option<i64>,
    /// The organisation's own mail server, if it has one.
    pub smtp: Option<SmtpSettings>,
    /// Whether the server has its own SMTP (`VOX_SMTP_URL`) for
    /// organisations without one; otherwise their invitations stay in the outbox.
    pub server_smtp_configured: bool,
    pub server_smtp_from: String,
    /// Sites that may show any of the organisation's surveys.
    pub embed_sites: Vec<String>,
    /// The daily invitation quota and its use.
    pub mail_quota: crate::domain::smtp::MailQuota,
    /// Two-factor sign-in required of every member.
    pub security: crate::domain::account::SecuritySettings,
    /// Days the audit log is kept (owners and admins only; `None` for viewers).
    pub audit_retention_days: Option<i64>,
}

#[server(prefix = "/rpc", endpoint = "get_organization_settings")]
pub async fn get_organization_settings() -> Result<OrganizationSettings, AppError> {
    use crate::backend::services::{
        organization::audit, organization::sites, organization::two_factor, outreach::mail_quota,
        outreach::organization_smtp, responses::retention,
    };
    ctx::as_member(|state, me| async move {
        let org = &me.organization_id;
        Ok(OrganizationSettings {
            retention_days: retention::get(&state.db, org).await?,
            smtp: organization_smtp::get(&state.db, org).await?,
            server_smtp_configured: state.config.smtp_url.is_some(),
            server_smtp_from: state.config.smtp_from.clone(),
            embed_sites: sites::get(&state.db, org).await?,
            mail_quota: mail_quota::usage(&state, org).await?,
            security: two_factor::security_settings(&state.db, org).await?,
            audit_retention_days: match me.role.allows(crate::domain::scope::Scope::AuditRead) {
                true => Some(audit::retention_days(&state.db, org).await?),
                false => None,
            },
        })
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "save_smtp", input = Json)]
pub async fn save_smtp(input: SmtpSettingsInput) -> Result<SmtpSettings, AppError> {
    ctx::as_editor(|state, me| async move {
        crate::backend::services::outreach::organization_smtp::set(
            &state,
            &me.organization_id,
            &ctx::actor(&me),
            &input,
        )
        .await
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "remove_smtp")]
pub async fn remove_smtp() -> Result<bool, AppError> {
    ctx::as_editor(|state, me| async move {
        crate::backend::services::outreach::organization_smtp::remove(&state.db, &me.organization_id, &ctx::actor(&me))
            .await
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "send_test_email", input = Json)]
pub async fn send_test_email(to: String) -> Result<SmtpTestResult, AppError> {
    ctx::as_editor(|state, me| async move {
        crate::backend::services::outreach::organization_smtp::send_test(&state, &me.organization_id, &to).await
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "save_embed_sites", input = Json)]
pub async fn save_embed_sites(sites: Vec<String>) -> Result<Vec<String>, AppError> {
    ctx::as_editor(|state, me| async move {
        crate::backend::services::organization::sites::set(&state.db, &me.organization_id, &ctx::actor(&me), &sites)
            .await
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "save_retention", input = Json)]
pub async fn save_retention(days: Option<i64>) -> Result<Option<i64>, AppError> {
    ctx::as_editor(|state, me| async move {
        crate::backend::services::responses::retention::set(&state.db, &me.organization_id, &ctx::actor(&me), days)
            .await
    })
    .await
}

/// Owners require (or stop requiring) two-factor sign-in of every member.
#[server(prefix = "/rpc", endpoint = "save_security_settings")]
pub async fn save_security_settings(
    require_two_factor: bool,
) -> Result<crate::domain::account::SecuritySettings, AppError> {
    ctx::respond(
        async move {
            use crate::domain::account::SecuritySettings;
            let state = ctx::state()?;
            let me = ctx::me().await?;
            let settings = SecuritySettings { require_two_factor };
            crate::backend::services::organization::two_factor::set_security_settings(
                &state,
                &me.organization_id,
                &me.user_id,
                me.role,
                &ctx::actor(&me),
                &settings,
            )
            .await
        }
        .await,
    )
}

/// Owners set how long the audit log is kept.
#[server(prefix = "/rpc", endpoint = "save_audit_retention")]
pub async fn save_audit_retention(days: i64) -> Result<i64, AppError> {
    ctx::as_member(|state, me| async move {
        if me.role != crate::domain::account::Role::Owner {
            return Err(AppError::Forbidden { message: "only owners change how long the audit log is kept".into() });
        }
        crate::backend::services::organization::audit::set_retention_days(
            &state.db,
            &me.organization_id,
            &ctx::actor(&me),
            days,
        )
        .await
    })
    .await
}

/// The audit log, newest first (owners and admins).
#[server(prefix = "/rpc", endpoint = "list_audit_log", input = Json)]
pub async fn list_audit_log(
    filter: crate::domain::audit::AuditFilter,
    page: u32,
) -> Result<crate::domain::page::Paginated<crate::domain::audit::AuditEntry>, AppError> {
    ctx::respond(
        async move {
            use crate::domain::page::{PageRequest, DEFAULT_PER_PAGE};
            let state = ctx::state()?;
            let me = ctx::me().await?;
            if !me.role.allows(crate::domain::scope::Scope::AuditRead) {
                return Err(AppError::Forbidden { message: "the audit log is for owners and admins".into() });
            }
            let page = PageRequest { page: page.max(1), per_page: DEFAULT_PER_PAGE };
            crate::backend::services::organization::audit::list(&state.db, &me.organization_id, &filter, page).await
        }
        .await,
    )
}
