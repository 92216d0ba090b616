//! The audit log: who did what in an organisation, when and from where.
//! Append-only for everyone (owners included); only retention removes entries.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Everything Vox records. The names are part of the API (`action=`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum AuditAction {
    #[serde(rename = "sign_in.succeeded")]
    SignInSucceeded,
    #[serde(rename = "sign_in.failed")]
    SignInFailed,
    #[serde(rename = "password.changed")]
    PasswordChanged,
    #[serde(rename = "password.reset")]
    PasswordReset,
    #[serde(rename = "email.confirmed")]
    EmailConfirmed,
    #[serde(rename = "two_factor.enabled")]
    TwoFactorEnabled,
    #[serde(rename = "two_factor.disabled")]
    TwoFactorDisabled,
    #[serde(rename = "two_factor.recovery_codes_regenerated")]
    RecoveryCodesRegenerated,
    #[serde(rename = "token.created")]
    TokenCreated,
    #[serde(rename = "token.revoked")]
    TokenRevoked,
    #[serde(rename = "member.invited")]
    MemberInvited,
    #[serde(rename = "member.invitation_revoked")]
    MemberInvitationRevoked,
    #[serde(rename = "member.joined")]
    MemberJoined,
    #[serde(rename = "member.removed")]
    MemberRemoved,
    #[serde(rename = "member.role_changed")]
    MemberRoleChanged,
    #[serde(rename = "webhook.created")]
    WebhookCreated,
    #[serde(rename = "webhook.updated")]
    WebhookUpdated,
    #[serde(rename = "webhook.deleted")]
    WebhookDeleted,
    #[serde(rename = "webhook.secret_rotated")]
    WebhookSecretRotated,
    #[serde(rename = "settings.changed")]
    SettingsChanged,
    #[serde(rename = "export.started")]
    ExportStarted,
    #[serde(rename = "response.deleted")]
    ResponseDeleted,
}

impl AuditAction {
    pub const ALL: [AuditAction; 22] = [
        AuditAction::SignInSucceeded,
        AuditAction::SignInFailed,
        AuditAction::PasswordChanged,
        AuditAction::PasswordReset,
        AuditAction::EmailConfirmed,
        AuditAction::TwoFactorEnabled,
        AuditAction::TwoFactorDisabled,
        AuditAction::RecoveryCodesRegenerated,
        AuditAction::TokenCreated,
        AuditAction::TokenRevoked,
        AuditAction::MemberInvited,
        AuditAction::MemberInvitationRevoked,
        AuditAction::MemberJoined,
        AuditAction::MemberRemoved,
        AuditAction::MemberRoleChanged,
        AuditAction::WebhookCreated,
        AuditAction::WebhookUpdated,
        AuditAction::WebhookDeleted,
        AuditAction::WebhookSecretRotated,
        AuditAction::SettingsChanged,
        AuditAction::ExportStarted,
        AuditAction::ResponseDeleted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::SignInSucceeded => "sign_in.succeeded",
            AuditAction::SignInFailed => "sign_in.failed",
            AuditAction::PasswordChanged => "password.changed",
            AuditAction::PasswordReset => "password.reset",
            AuditAction::EmailConfirmed => "email.confirmed",
            AuditAction::TwoFactorEnabled => "two_factor.enabled",
            AuditAction::TwoFactorDisabled => "two_factor.disabled",
            AuditAction::RecoveryCodesRegenerated => "two_factor.recovery_codes_regenerated",
            AuditAction::TokenCreated => "token.created",
            AuditAction::TokenRevoked => "token.revoked",
            AuditAction::MemberInvited => "member.invited",
            AuditAction::MemberInvitationRevoked => "member.invitation_revoked",
            AuditAction::MemberJoined => "member.joined",
            AuditAction::MemberRemoved => "member.removed",
            AuditAction::MemberRoleChanged => "member.role_changed",
            AuditAction::WebhookCreated => "webhook.created",
            AuditAction::WebhookUpdated => "webhook.updated",
            AuditAction::WebhookDeleted => "webhook.deleted",
            AuditAction::WebhookSecretRotated => "webhook.secret_rotated",
            AuditAction::SettingsChanged => "settings.changed",
            AuditAction::ExportStarted => "export.started",
            AuditAction::ResponseDeleted => "response.deleted",
        }
    }

    pub fn parse(name: &str) -> Option<AuditAction> {
        AuditAction::ALL.into_iter().find(|a| a.as_str() == name)
    }

    /// Words for the dashboard's list.
    pub fn describe(self) -> &'static str {
        match self {
            AuditAction::SignInSucceeded => "Signed in",
            AuditAction::SignInFailed => "Failed sign-in",
            AuditAction::PasswordChanged => "Changed password",
            AuditAction::PasswordReset => "Reset password by email",
            AuditAction::EmailConfirmed => "Confirmed their email address",
            AuditAction::TwoFactorEnabled => "Turned on two-factor sign-in",
            AuditAction::TwoFactorDisabled => "Turned off two-factor sign-in",
            AuditAction::RecoveryCodesRegenerated => "New recovery codes",
            AuditAction::TokenCreated => "Created an API token",
            AuditAction::TokenRevoked => "Revoked an API token",
            AuditAction::MemberInvited => "Invited a member",
            AuditAction::MemberInvitationRevoked => "Revoked an invitation",
            AuditAction::MemberJoined => "Joined",
            AuditAction::MemberRemoved => "Removed a member",
            AuditAction::MemberRoleChanged => "Changed a member's role",
            AuditAction::WebhookCreated => "Created a webhook",
            AuditAction::WebhookUpdated => "Changed a webhook",
            AuditAction::WebhookDeleted => "Deleted a webhook",
            AuditAction::WebhookSecretRotated => "Rotated a webhook secret",
            AuditAction::SettingsChanged => "Changed settings",
            AuditAction::ExportStarted => "Exported responses",
            AuditAction::ResponseDeleted => "Deleted a response",
        }
    }
}

/// One entry of the log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    pub id: String,
    pub at: DateTime<Utc>,
    pub action: AuditAction,
    /// The member who acted (`null` for someone not signed in, e.g. a failed sign-in to an unknown session).
    pub actor_user_id: Option<String>,
    /// Their email at the time.
    pub actor_email: Option<String>,
    /// The API token used, when the action came through the API with one.
    pub actor_token_id: Option<String>,
    /// The client address the request came from.
    pub address: Option<String>,
    /// What the action was about: `member`, `token`, `webhook`, `survey`, `response`, `settings`, `user`.
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    /// Further facts (the new role, which settings, the export's filter…).
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub details: serde_json::Value,
}

/// What to show: every field optional, all must hold.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditFilter {
    pub action: Option<AuditAction>,
    /// A member's user id or email.
    pub actor: Option<String>,
    /// Inclusive, epoch ms.
    pub from_ms: Option<i64>,
    /// Exclusive, epoch ms.
    pub to_ms: Option<i64>,
}

/// Allowed retention of the audit log, in days.
pub const MIN_AUDIT_RETENTION_DAYS: i64 = 30;
pub const MAX_AUDIT_RETENTION_DAYS: i64 = 3650;
pub const DEFAULT_AUDIT_RETENTION_DAYS: i64 = 365;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::parse(action.as_str()), Some(action));
            assert_eq!(serde_json::to_string(&action).unwrap(), format!("\"{}\"", action.as_str()));
        }
        assert_eq!(AuditAction::parse("nope"), None);
    }
}
