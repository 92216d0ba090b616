//! Webhook endpoints and deliveries as the API shows them, the event names,
//! and the rules for an endpoint's settings.

use super::error::{AppError, Problems};
use super::snake_case::SnakeCase;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Every event Vox emits. The names are part of the public API.
pub const EVENT_TYPES: [&str; 12] = [
    "survey.response.created",
    "survey.response.updated",
    "survey.response.completed",
    "survey.response.deleted",
    "survey.published",
    "survey.closed",
    "event.received",
    "invitation.sent",
    "contact.upserted",
    "response.note.created",
    "case.created",
    "case.updated",
];

/// Subscribes to everything, including events added later, except the
/// [`OPT_IN_EVENTS`].
pub const ALL_EVENTS: &str = "*";

/// Events an endpoint gets only when it names them: members' internal notes
/// leave Vox only for a receiver that asked for exactly that.
pub const OPT_IN_EVENTS: [&str; 1] = ["response.note.created"];

/// The canonical name of an event, accepting the e-satisfaction spelling as an alias.
pub fn canonical_event(name: &str) -> Option<&'static str> {
    let name = if name == "survey.response_completed" { "survey.response.completed" } else { name };
    EVENT_TYPES.iter().copied().find(|e| *e == name)
}

/// Checks and normalises a subscription list (`["*"]` or known names, each once).
pub fn normalize_events(problems: &mut Problems, field: &str, events: &[String]) -> Vec<String> {
    if events.is_empty() {
        problems.add(field, "subscribe to at least one event, or [\"*\"] for all");
        return vec![];
    }
    // "*" stands for every event but the opt-in ones, which are kept beside it.
    let mut out: Vec<String> = Vec::new();
    if events.iter().any(|e| e == ALL_EVENTS) {
        out.push(ALL_EVENTS.to_string());
        out.extend(OPT_IN_EVENTS.iter().filter(|o| events.iter().any(|e| e == *o)).map(|o| o.to_string()));
        return out;
    }
    for (i, e) in events.iter().enumerate() {
        match canonical_event(e) {
            Some(name) if !out.iter().any(|o| o == name) => out.push(name.to_string()),
            Some(_) => {}
            None => problems
                .add(format!("{field}[{i}]"), format!("unknown event; one of {}, or \"*\"", EVENT_TYPES.join(", "))),
        }
    }
    out
}

/// The subscription the dashboard's event checkboxes stand for: "all events"
/// (`*`) keeps the opt-in events ticked beside it; otherwise the ticked ones.
pub fn subscription(all: bool, chosen: &[String]) -> Vec<String> {
    if all {
        std::iter::once(ALL_EVENTS.to_string())
            .chain(chosen.iter().filter(|e| OPT_IN_EVENTS.contains(&e.as_str())).cloned())
            .collect()
    } else {
        chosen.to_vec()
    }
}

/// True when an endpoint subscribed to `events` wants `event`.
pub fn subscribed(events: &[String], event: &str) -> bool {
    let everything_covers = !OPT_IN_EVENTS.contains(&event);
    events.iter().any(|e| e == event || (e == ALL_EVENTS && everything_covers))
}

/// Checks the shape of a receiver URL (reachability and address rules are
/// checked on the server, where DNS is).
pub fn check_url(problems: &mut Problems, field: &str, url: &str, allow_http: bool) {
    let url = url.trim();
    let scheme_ok = url.starts_with("https://") || (allow_http && url.starts_with("http://"));
    if url.len() > 2_000 {
        problems.add(field, "at most 2000 characters");
    } else if !scheme_ok {
        let message = if allow_http { "must be an http(s):// URL" } else { "must be an https:// URL" };
        problems.add(field, message);
    } else if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        problems.add(field, "must not contain spaces or control characters");
    }
}

pub const MIN_SECRET_LEN: usize = 16;
pub const MAX_SECRET_LEN: usize = 256;

pub fn check_secret(problems: &mut Problems, field: &str, secret: &str) {
    let len = secret.chars().count();
    if !(MIN_SECRET_LEN..=MAX_SECRET_LEN).contains(&len) || secret.chars().any(char::is_control) {
        problems.add(field, format!("{MIN_SECRET_LEN}–{MAX_SECRET_LEN} printable characters"));
    }
}

/// A survey's webhook (the e-satisfaction shape, camelCase).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SurveyWebhook {
    pub id: String,
    pub survey_id: String,
    pub name: String,
    pub url: String,
    pub events: Vec<String>,
    pub is_active: bool,
    /// Payloads carry ids only; receivers fetch details through the API.
    pub thin_payload: bool,
    /// Why Vox turned the endpoint off (410 Gone, failing for 5 days), if it did.
    pub disabled_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Only in the answer to creating it, when Vox generated it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

/// An organisation-wide webhook (the integration family's shape, snake_case).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct IntegrationWebhook {
    pub id: String,
    pub url: String,
    pub events: Vec<String>,
    pub enabled: bool,
    pub thin_payload: bool,
    pub disabled_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Only when created or rotated: store it, it is not shown again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

/// Creating a survey webhook; `enabled` is accepted for `isActive`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SurveyWebhookInput {
    pub name: String,
    pub url: String,
    pub events: Vec<String>,
    /// Your shared secret (16–256 characters); generated when absent.
    #[serde(default)]
    pub secret: Option<String>,
    #[serde(default, alias = "enabled")]
    pub is_active: Option<bool>,
    #[serde(default, alias = "thin_payload")]
    pub thin_payload: Option<bool>,
}

/// Creating an organisation webhook; `isActive` is accepted for `enabled`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct IntegrationWebhookInput {
    pub url: String,
    pub events: Vec<String>,
    #[serde(default, alias = "isActive")]
    pub enabled: Option<bool>,
    #[serde(default, alias = "thinPayload")]
    pub thin_payload: Option<bool>,
}

/// A partial update of either family (both spellings accepted).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct WebhookPatch {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub events: Option<Vec<String>>,
    #[serde(default, alias = "isActive")]
    pub enabled: Option<bool>,
    #[serde(default, alias = "thinPayload")]
    pub thin_payload: Option<bool>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    Pending,
    Delivered,
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(DeliveryStatus::Pending),
            "delivered" => Some(DeliveryStatus::Delivered),
            "failed" => Some(DeliveryStatus::Failed),
            _ => None,
        }
    }
}

/// One delivery: an event for one endpoint, with its retries.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    /// `del_…`; also the `webhook-id` header, the same on every retry.
    pub id: String,
    pub webhook_id: String,
    pub event: String,
    pub status: DeliveryStatus,
    pub attempt_count: i64,
    pub http_status: Option<i64>,
    pub test: bool,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// In the detail view only. Inlined in the schema, so `SnakeCase` can
    /// rename its fields too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", schema(inline))]
    pub attempts: Option<Vec<Attempt>>,
    /// In the detail view only: the body that is sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Attempt {
    pub attempted_at: DateTime<Utc>,
    pub duration_ms: i64,
    pub http_status: Option<i64>,
    /// The first 1,000 characters of the receiver's answer.
    pub response_excerpt: Option<String>,
    pub error: Option<String>,
    /// The headers sent (signatures included; they are useless without the secret).
    pub request_headers: Vec<(String, String)>,
}

/// Validates an endpoint's URL and events together.
pub fn validate_endpoint(url: &str, events: &[String], allow_http: bool) -> Result<Vec<String>, AppError> {
    let mut problems = Problems::default();
    check_url(&mut problems, "url", url, allow_http);
    let events = normalize_events(&mut problems, "events", events);
    problems.into_result().map(|_| events)
}

/// A webhook of either family, as the dashboard lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WebhookView {
    pub id: String,
    /// `None` for an organisation-wide webhook.
    pub survey_id: Option<String>,
    pub name: String,
    pub url: String,
    pub events: Vec<String>,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Creating a webhook from the dashboard: for one survey, or for all.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NewWebhook {
    pub survey_id: Option<String>,
    pub name: String,
    pub url: String,
    pub events: Vec<String>,
}

/// A new webhook and its secret, shown this once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CreatedWebhook {
    pub webhook: WebhookView,
    pub secret: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn events_normalise_with_the_alias_and_star() {
        let mut p = Problems::default();
        let e = normalize_events(
            &mut p,
            "events",
            &strings(&["survey.response_completed", "survey.response.completed", "survey.published"]),
        );
        assert_eq!(e, strings(&["survey.response.completed", "survey.published"]));
        assert_eq!(normalize_events(&mut p, "events", &strings(&["survey.closed", "*"])), strings(&["*"]));
        assert_eq!(
            normalize_events(&mut p, "events", &strings(&["response.note.created", "*"])),
            strings(&["*", "response.note.created"])
        );
        assert!(p.is_empty());
        normalize_events(&mut p, "events", &strings(&["feedback.ticket.created"]));
        assert!(p.into_result().unwrap_err().message_for("events[0]").is_some());
    }

    #[test]
    fn subscription_matching() {
        assert!(subscribed(&strings(&["*"]), "contact.upserted"));
        assert!(!subscribed(&strings(&["*"]), "response.note.created"), "notes leave only when asked for by name");
        assert!(subscribed(&strings(&["*", "response.note.created"]), "response.note.created"));
        let ticked = strings(&["survey.closed", "response.note.created"]);
        assert_eq!(subscription(true, &ticked), strings(&["*", "response.note.created"]));
        assert_eq!(subscription(false, &ticked), ticked);
        assert!(subscribed(&strings(&["survey.closed"]), "survey.closed"));
        assert!(!subscribed(&strings(&["survey.closed"]), "survey.published"));
    }

    #[test]
    fn urls_must_be_https_unless_allowed() {
        assert!(validate_endpoint("https://hooks.example.com/x", &strings(&["*"]), false).is_ok());
        let err = validate_endpoint("http://hooks.example.com/x", &strings(&["*"]), false).unwrap_err();
        assert!(err.message_for("url").is_some());
        assert!(validate_endpoint("http://127.0.0.1:9/x", &strings(&["*"]), true).is_ok());
        assert!(validate_endpoint("javascript:alert(1)", &strings(&["*"]), true).is_err());
    }
}

/// A delivery as the organisation family spells it (`webhook_id`, `next_attempt_at`).
pub type IntegrationDelivery = SnakeCase<Delivery>;

/// `POST …/test`: which event to simulate (default `survey.response.completed`).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TestEventInput {
    #[serde(default)]
    pub event: Option<String>,
}
