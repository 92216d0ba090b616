//! An organisation's own mail server for its invitations, as the settings
//! page and `/api/settings/smtp` show and take it. The password is
//! write-only: it goes in with [`SmtpSettingsInput`] and never comes back.

use super::error::Problems;
use serde::{Deserialize, Serialize};

pub const MAX_HOST: usize = 253;
pub const MAX_USERNAME: usize = 256;
pub const MAX_PASSWORD: usize = 1024;

/// How the connection to the mail server is protected.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS, which must succeed (usually port 587).
    #[default]
    Starttls,
    /// TLS from the first byte (usually port 465).
    Tls,
    /// No encryption: only for a relay on a network you trust; never with a password.
    None,
}

impl SmtpSecurity {
    pub fn as_str(self) -> &'static str {
        match self {
            SmtpSecurity::Starttls => "starttls",
            SmtpSecurity::Tls => "tls",
            SmtpSecurity::None => "none",
        }
    }

    pub fn parse(text: &str) -> Option<SmtpSecurity> {
        match text {
            "starttls" => Some(SmtpSecurity::Starttls),
            "tls" => Some(SmtpSecurity::Tls),
            "none" => Some(SmtpSecurity::None),
            _ => None,
        }
    }
}

/// The stored settings, as shown (no password).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    /// Whether a password is stored (it is never shown).
    pub password_set: bool,
    /// The sender of invitations: `surveys@shop.example` or `Shop <surveys@shop.example>`.
    pub from: String,
    /// When the settings last changed (milliseconds since the epoch).
    pub updated_at: i64,
}

/// New settings. `password` absent keeps the stored one; `""` removes it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SmtpSettingsInput {
    pub host: String,
    pub port: u16,
    #[serde(default)]
    pub security: SmtpSecurity,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
    pub from: String,
}

impl SmtpSettingsInput {
    /// The checks that need no server: host, port, lengths, and no password
    /// without encryption. The sender address is checked by the server.
    pub fn validate(&self, problems: &mut Problems) {
        let host = self.host.trim();
        if host.is_empty() || host.len() > MAX_HOST {
            problems.add("host", format!("the mail server's name or address, 1–{MAX_HOST} characters"));
        } else if !host.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']')) {
            problems.add("host", "a host name such as smtp.example.com, or an IP address");
        }
        if self.port == 0 {
            problems.add("port", "1–65535");
        }
        if let Some(user) = &self.username {
            if user.chars().count() > MAX_USERNAME || user.chars().any(char::is_control) {
                problems.add("username", format!("at most {MAX_USERNAME} characters, no control characters"));
            }
        }
        if let Some(password) = &self.password {
            if password.chars().count() > MAX_PASSWORD {
                problems.add("password", format!("at most {MAX_PASSWORD} characters"));
            }
            if self.security == SmtpSecurity::None && !password.is_empty() {
                problems
                    .add("security", "a password is only sent over an encrypted connection: choose starttls or tls");
            }
        }
        if self.from.trim().is_empty() {
            problems.add("from", "the sender address of invitations, such as surveys@shop.example");
        }
    }

    /// The host without brackets or surrounding space.
    pub fn host_name(&self) -> String {
        self.host.trim().trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase()
    }
}

/// The organisation's daily invitation quota and how much of it is used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MailQuota {
    /// Invitations allowed in any 24 hours; `null` when there is no quota
    /// (the organisation's own mail server, or no mail server at all).
    pub limit: Option<i64>,
    /// Invitations created in the last 24 hours.
    pub used: i64,
}

impl MailQuota {
    /// Worth a notice in the dashboard: 80 % used, or more.
    pub fn nearly_used_up(&self) -> bool {
        self.limit.is_some_and(|limit| self.used * 5 >= limit * 4)
    }
}

/// What a test message did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SmtpTestResult {
    /// Whether the mail server accepted the message.
    pub sent: bool,
    /// The server's answer, or why it could not be reached.
    pub detail: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> SmtpSettingsInput {
        SmtpSettingsInput {
            host: "smtp.example.com".into(),
            port: 587,
            security: SmtpSecurity::Starttls,
            username: Some("surveys".into()),
            password: Some("secret".into()),
            from: "Shop <surveys@shop.example>".into(),
        }
    }

    fn fields(input: &SmtpSettingsInput) -> Vec<String> {
        let mut problems = Problems::default();
        input.validate(&mut problems);
        match problems.into_result() {
            Ok(()) => Vec::new(),
            Err(crate::domain::AppError::Validation { errors }) => errors.into_iter().map(|e| e.field).collect(),
            Err(other) => panic!("{other:?}"),
        }
    }

    #[test]
    fn good_settings_pass_and_each_bad_field_is_named() {
        assert!(fields(&input()).is_empty());
        assert_eq!(fields(&SmtpSettingsInput { host: " ".into(), ..input() }), ["host"]);
        assert_eq!(fields(&SmtpSettingsInput { host: "smtp.example.com/x".into(), ..input() }), ["host"]);
        assert_eq!(fields(&SmtpSettingsInput { port: 0, ..input() }), ["port"]);
        assert_eq!(fields(&SmtpSettingsInput { from: "".into(), ..input() }), ["from"]);
        assert_eq!(fields(&SmtpSettingsInput { username: Some("a\nb".into()), ..input() }), ["username"]);
    }

    #[test]
    fn a_password_never_travels_unencrypted() {
        let plain = SmtpSettingsInput { security: SmtpSecurity::None, ..input() };
        assert_eq!(fields(&plain), ["security"]);
        // Without a password, an unencrypted relay on a trusted network is fine.
        assert!(fields(&SmtpSettingsInput { password: None, username: None, ..plain.clone() }).is_empty());
        assert!(fields(&SmtpSettingsInput { password: Some(String::new()), ..plain }).is_empty());
    }
}
