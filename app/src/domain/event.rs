//! An event from a customer's system (the e-satisfaction event shape: "a sale happened"): what it
//! must carry, and how Vox reports what it did with it.

use super::error::Problems;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The body of `POST /api/events`. Every field is optional here so that one
/// 422 can name everything that is missing, not just the first thing.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(example = json!({
    "type": "checkout",
    "channel": {"id": "chl-6b2f3c1e-8d4a-4f3b-9c2d-1e5f7a9b0c3d", "type": "vox"},
    "customer": {"email": "john@example.com", "firstName": "John", "lastName": "Doe", "reference": "cst-1042"},
    "transaction": {"reference": "order-12345", "date": "2026-11-25T09:12:26Z"},
    "system": "shop", "systemVersion": "1.0",
    "defaultLocale": "de_DE", "estimatedDeliveryDate": "2026-11-28",
    "products": [{"name": "T-Shirt", "sku": "1234-TS", "brand": "specialbrand"}],
    "metadata": {"store": "athens"}
})))]
#[serde(rename_all = "camelCase")]
pub struct EventInput {
    /// The event type's name (`ety-…`'s `name`).
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub channel: Option<EventChannel>,
    #[serde(default)]
    pub customer: Option<Customer>,
    #[serde(default)]
    pub transaction: Option<Transaction>,
    #[serde(default)]
    pub system: Option<String>,
    #[serde(default, alias = "system_version")]
    pub system_version: Option<String>,
    #[serde(default)]
    pub default_locale: Option<String>,
    /// A date (`2026-11-28`) or a timestamp.
    #[serde(default)]
    pub estimated_delivery_date: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Vec<Object>>))]
    pub products: Option<Vec<Map<String, Value>>>,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Object>))]
    pub metadata: Option<Map<String, Value>>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EventChannel {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Customer {
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default, alias = "first_name")]
    pub first_name: Option<String>,
    #[serde(default, alias = "last_name")]
    pub last_name: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub mobile: Option<String>,
    /// The customer's id in the sending system.
    #[serde(default)]
    pub reference: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Transaction {
    #[serde(default)]
    pub reference: Option<String>,
    /// When it happened (RFC 3339); defaults to when Vox received the event.
    #[serde(default)]
    pub date: Option<String>,
}

pub const MAX_PRODUCTS: usize = 100;

fn text_ok(text: &str, max: usize) -> bool {
    !text.trim().is_empty() && text.chars().count() <= max && !text.chars().any(char::is_control)
}

/// A timestamp (RFC 3339) or a plain date (midnight UTC).
pub fn parse_instant(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text.trim()) {
        return Some(t.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0)).map(|t| t.and_utc())
}

impl EventInput {
    /// Checks the mandatory keys and the shape of the rest; every problem is named.
    pub fn validate(&self, problems: &mut Problems) {
        match &self.kind {
            None => problems.add("type", "required: the name of the event type"),
            Some(t) if !text_ok(t, 100) => problems.add("type", "1–100 characters"),
            _ => {}
        }
        match &self.channel {
            None => problems.add("channel", "required: {\"id\": \"chl-…\", \"type\": …}"),
            Some(c) if c.id.as_deref().is_none_or(|id| id.trim().is_empty()) => {
                problems.add("channel.id", "required: the channel's id (chl-…)")
            }
            _ => {}
        }
        match &self.customer {
            None => problems.add("customer", "required: who to invite, with an email"),
            Some(c) => {
                if c.email.is_none() && c.mobile.is_none() {
                    problems.add("customer.email", "required: a way to reach the customer (email, or mobile)");
                }
                if let Some(email) = &c.email {
                    if !super::answers::looks_like_email(email.trim()) {
                        problems.add("customer.email", "must be an email address");
                    }
                }
                for (name, value, max) in [
                    ("firstName", &c.first_name, 200),
                    ("lastName", &c.last_name, 200),
                    ("address", &c.address, 500),
                    ("mobile", &c.mobile, 40),
                    ("reference", &c.reference, 200),
                ] {
                    if value.as_deref().is_some_and(|v| !text_ok(v, max)) {
                        problems.add(format!("customer.{name}"), format!("1–{max} characters"));
                    }
                }
            }
        }
        match &self.transaction {
            None => problems.add("transaction", "required: {\"reference\": …, \"date\": …}"),
            Some(t) => {
                match &t.reference {
                    None => problems.add("transaction.reference", "required: your reference for this transaction"),
                    Some(r) if !text_ok(r, 200) => problems.add("transaction.reference", "1–200 characters"),
                    _ => {}
                }
                if t.date.as_deref().is_some_and(|d| parse_instant(d).is_none()) {
                    problems.add("transaction.date", "an RFC 3339 timestamp or a date (YYYY-MM-DD)");
                }
            }
        }
        for (name, value) in [("system", &self.system), ("systemVersion", &self.system_version)] {
            match value {
                None => problems.add(name, "required: which of your systems sent the event"),
                Some(v) if !text_ok(v, 100) => problems.add(name, "1–100 characters"),
                _ => {}
            }
        }
        if let Some(locale) = &self.default_locale {
            if !super::contact::is_locale(locale) {
                problems.add("defaultLocale", "a language tag such as de_DE or en");
            }
        }
        if self.estimated_delivery_date.as_deref().is_some_and(|d| parse_instant(d).is_none()) {
            problems.add("estimatedDeliveryDate", "a date (YYYY-MM-DD) or an RFC 3339 timestamp");
        }
        if let Some(products) = &self.products {
            if products.len() > MAX_PRODUCTS {
                problems.add("products", format!("at most {MAX_PRODUCTS} products"));
            }
            for (i, p) in products.iter().enumerate().take(MAX_PRODUCTS) {
                if serde_json::to_string(p).map_or(0, |s| s.len()) > 4_000 {
                    problems.add(format!("products[{i}]"), "at most 4,000 bytes of JSON per product");
                }
            }
        }
        if let Some(metadata) = &self.metadata {
            super::response::validate_flat_map(problems, "metadata", metadata);
        }
    }
}

/// What became of an event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EventProcessing {
    /// `pending` (not routed yet), `scheduled`, `sent`, `failed`, or `skipped`.
    pub status: String,
    /// Why: which setting matched and on what, or why nothing is sent
    /// (`no_matching_setting`, `inactive`, `duplicate`, `opted_out`, …).
    pub reason: Option<String>,
    pub invite_setting_id: Option<String>,
    pub invitation_id: Option<String>,
    pub survey_id: Option<String>,
    /// When the invitation is (or was) due to go out.
    pub send_at: Option<DateTime<Utc>>,
    pub sent_at: Option<DateTime<Utc>>,
    pub processed_at: Option<DateTime<Utc>>,
}

/// A stored event: what was sent, plus what Vox did with it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EventRecord {
    /// The `EventRef` (`evt-…`).
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub event_type_id: String,
    pub channel_id: String,
    pub contact_id: Option<String>,
    /// The body as received.
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub event: Value,
    pub received_at: DateTime<Utc>,
    pub processing: EventProcessing,
}

/// The 202 answer, in the exact shape e-satisfaction integrations read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(example = json!({"Message": "Your event (evt-4b1f0c2a-9d3e-4c5b-8a7f-2e6d1c0b9a8f) was accepted for processing", "EventRef": "evt-4b1f0c2a-9d3e-4c5b-8a7f-2e6d1c0b9a8f"})))]
pub struct EventAccepted {
    #[serde(rename = "Message")]
    pub message: String,
    #[serde(rename = "EventRef")]
    pub event_ref: String,
}

impl EventAccepted {
    pub fn new(event_ref: &str) -> Self {
        EventAccepted {
            message: format!("Your event ({event_ref}) was accepted for processing"),
            event_ref: event_ref.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(input: &Value) -> Vec<String> {
        let event: EventInput = serde_json::from_value(input.clone()).unwrap();
        let mut p = Problems::default();
        event.validate(&mut p);
        match p.into_result() {
            Ok(()) => vec![],
            Err(super::super::AppError::Validation { errors }) => errors.into_iter().map(|e| e.field).collect(),
            Err(other) => panic!("{other:?}"),
        }
    }

    #[test]
    fn every_missing_mandatory_key_is_named() {
        assert_eq!(fields(&json!({})), vec!["type", "channel", "customer", "transaction", "system", "systemVersion"]);
        assert_eq!(
            fields(&json!({"type": "sale", "channel": {"type": "x"}, "customer": {"firstName": "J"},
                "transaction": {"date": "yesterday"}, "system": "shop", "systemVersion": "1"})),
            vec!["channel.id", "customer.email", "transaction.reference", "transaction.date"]
        );
    }

    #[test]
    fn the_seed_body_is_accepted() {
        let seed = json!({
            "channel": {"id": "chl-xxxxxxxx-yyyy-xxxx-yyyy-xxxxxxxxxxxx", "type": "etrusted"},
            "customer": {"email": "john@example.com", "firstName": "John", "lastName": "Doe",
                "address": "Anystr. 17, 12345, Anycity", "mobile": "cillum eu", "reference": "cst-1"},
            "system": "customer_system_name", "systemVersion": "1.0",
            "transaction": {"reference": "submission-12345", "date": "2013-08-25T03:12:26.613Z"},
            "type": "submitted", "defaultLocale": "de_DE", "estimatedDeliveryDate": "2017-01-07",
            "products": [{"name": "Specialbrand T-Shirt White M", "sku": "1234-TS-WH-M", "url": "",
                "gtin": "1234567890123", "imageUrl": "", "mpn": "23687778", "brand": "specialbrand"}],
            "metadata": {"metaKey1": "metaValue1", "metaKey2": "metaValue2"}
        });
        assert_eq!(fields(&seed), Vec::<String>::new());
        assert_eq!(EventAccepted::new("evt-1").message, "Your event (evt-1) was accepted for processing");
    }
}
