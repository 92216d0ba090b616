//! Invitations (a personal survey link sent to one contact), quick
//! distributions (a survey sent to a list of contacts now), and the
//! per-contact status customers poll (the e-satisfaction integration pattern).

use super::contact::ContactInput;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where one contact stands with one survey, furthest step first wins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ContactStatus {
    /// No invitation has gone out (none made, or still scheduled).
    NotSent,
    Sent,
    /// The link was opened.
    Opened,
    /// A first answer was given.
    Started,
    Completed,
}

impl ContactStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ContactStatus::NotSent => "not_sent",
            ContactStatus::Sent => "sent",
            ContactStatus::Opened => "opened",
            ContactStatus::Started => "started",
            ContactStatus::Completed => "completed",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Invitation {
    pub id: String,
    pub survey_id: String,
    pub contact_id: String,
    /// The event (`evt-…`) or distribution (`dst_…`) that made it.
    pub event_id: Option<String>,
    pub distribution_id: Option<String>,
    pub transport: String,
    pub locale: Option<String>,
    /// `scheduled`, `sent`, `failed` or `cancelled`.
    pub status: String,
    pub send_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub opened_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub response_id: Option<String>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl Invitation {
    pub fn contact_status(&self) -> ContactStatus {
        if self.completed_at.is_some() {
            ContactStatus::Completed
        } else if self.started_at.is_some() {
            ContactStatus::Started
        } else if self.opened_at.is_some() {
            ContactStatus::Opened
        } else if self.sent_at.is_some() {
            ContactStatus::Sent
        } else {
            ContactStatus::NotSent
        }
    }
}

/// `POST /api/surveys/{id}/distributions/quick`: existing contacts by id,
/// or contacts given inline (upserted first), or both.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(example = json!({"contacts": [{"email": "maria@example.com", "firstName": "Maria"}], "channel": "email"})))]
#[serde(rename_all = "camelCase")]
pub struct QuickDistributionInput {
    #[serde(default, alias = "contact_ids")]
    pub contact_ids: Vec<String>,
    #[serde(default)]
    pub contacts: Vec<ContactInput>,
    /// Only `email` for now.
    #[serde(default = "email")]
    pub channel: String,
    /// Language of the invitation and the survey; else each contact's own, else the survey's default.
    #[serde(default)]
    pub locale: Option<String>,
}

fn email() -> String {
    "email".into()
}

impl Default for QuickDistributionInput {
    /// Like the JSON default: by email.
    fn default() -> Self {
        QuickDistributionInput { contact_ids: Vec::new(), contacts: Vec::new(), channel: email(), locale: None }
    }
}

/// One contact that a distribution did not invite, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Skipped {
    pub contact_id: String,
    /// `opted_out` or `no_email`.
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Distribution {
    pub id: String,
    pub survey_id: String,
    pub channel: String,
    pub created_at: DateTime<Utc>,
    pub invitations: Vec<Invitation>,
    pub skipped: Vec<Skipped>,
}

/// A distribution as listed (without its invitations).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DistributionSummary {
    pub id: String,
    pub survey_id: String,
    pub channel: String,
    pub invited: i64,
    pub skipped: i64,
    pub created_at: DateTime<Utc>,
}

/// One row of `GET /api/surveys/{id}/responses/bulk-status`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct BulkStatusEntry {
    pub contact_id: String,
    pub status: ContactStatus,
    pub invitation_id: Option<String>,
    pub response_id: Option<String>,
    /// When the contact reached this status.
    pub updated_at: Option<DateTime<Utc>>,
}

/// The answer of bulk-status: one entry per contact, in the order asked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BulkStatus {
    pub data: Vec<BulkStatusEntry>,
}

/// An invitation email, as sent or as kept in the outbox.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OutboxMessage {
    pub id: String,
    pub invitation_id: String,
    pub to: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    /// `smtp` (handed to the SMTP server) or `outbox` (no SMTP configured; kept here).
    pub transport: String,
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_distribution_goes_by_email_unless_told_otherwise() {
        assert_eq!(QuickDistributionInput::default().channel, "email");
        let parsed: QuickDistributionInput = serde_json::from_str(r#"{"contactIds": ["con_1"]}"#).unwrap();
        assert_eq!(parsed, QuickDistributionInput { contact_ids: vec!["con_1".into()], ..Default::default() });
    }

    #[test]
    fn statuses_order_by_progress() {
        assert!(ContactStatus::Completed > ContactStatus::Started);
        assert!(ContactStatus::Opened > ContactStatus::Sent && ContactStatus::Sent > ContactStatus::NotSent);
        assert_eq!(serde_json::to_string(&ContactStatus::NotSent).unwrap(), "\"not_sent\"");
    }
}
