//! Contacts: the people surveys are sent to and who answer them (the
//! contact directory of the e-satisfaction integration pattern). Keyed by email or by the customer's own id.

use super::error::Problems;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// At most this many contacts in one upsert call.
pub const MAX_UPSERT: usize = 1_000;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    pub id: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub external_id: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// Preferred language, e.g. `de` or `de_DE`.
    pub locale: Option<String>,
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub attributes: Map<String, Value>,
    /// True when the person asked not to be surveyed: no invitation goes to them.
    pub opted_out: bool,
    /// Who opted them out: `recipient` (through the unsubscribe link; only
    /// they can undo it) or `organization` (the dashboard or the API).
    #[serde(default)]
    pub opted_out_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One contact to create or update. Found by `externalId` first, then by
/// `email`; fields given replace the stored ones, fields absent are kept.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(example = json!({"email": "maria@example.com", "firstName": "Maria", "lastName": "Papadopoulou", "externalId": "crm-1042", "locale": "el", "attributes": {"plan": "pro"}})))]
#[serde(rename_all = "camelCase")]
pub struct ContactInput {
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default, alias = "external_id")]
    pub external_id: Option<String>,
    #[serde(default, alias = "mobile", alias = "phoneNumber", alias = "phone_number")]
    pub phone: Option<String>,
    #[serde(default, alias = "first_name")]
    pub first_name: Option<String>,
    #[serde(default, alias = "last_name")]
    pub last_name: Option<String>,
    #[serde(default)]
    pub locale: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Object>))]
    pub attributes: Option<Map<String, Value>>,
    /// `true` stops all invitations to this person; `false` lets them be
    /// invited again, unless they unsubscribed themselves (only they can undo that).
    #[serde(default, alias = "opted_out")]
    pub opted_out: Option<bool>,
}

impl ContactInput {
    /// Lower-cased, trimmed email: how contacts are matched.
    pub fn normalized_email(&self) -> Option<String> {
        self.email.as_deref().map(|e| e.trim().to_ascii_lowercase()).filter(|e| !e.is_empty())
    }

    /// Names every problem under `at` (e.g. `contacts[3]`).
    pub fn validate(&self, problems: &mut Problems, at: &str) {
        let field = |name: &str| if at.is_empty() { name.to_string() } else { format!("{at}.{name}") };
        if self.normalized_email().is_none() && self.external_id.as_deref().is_none_or(|e| e.trim().is_empty()) {
            problems.add(
                if at.is_empty() { "email".to_string() } else { at.to_string() },
                "needs an email or an externalId",
            );
        }
        if let Some(email) = &self.email {
            if !super::answers::looks_like_email(email.trim()) {
                problems.add(field("email"), "must be an email address");
            }
        }
        if let Some(phone) = &self.phone {
            let digits = phone.chars().filter(char::is_ascii_digit).count();
            if !(5..=20).contains(&digits) || !phone.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c)) {
                problems.add(field("phone"), "must be a phone number");
            }
        }
        for (name, value) in
            [("externalId", &self.external_id), ("firstName", &self.first_name), ("lastName", &self.last_name)]
        {
            if let Some(v) = value {
                if v.trim().is_empty() || v.chars().count() > 200 || v.chars().any(char::is_control) {
                    problems.add(field(name), "1–200 characters, no control characters");
                }
            }
        }
        if let Some(locale) = &self.locale {
            if !is_locale(locale) {
                problems.add(field("locale"), "must be a language tag such as de, de_DE or pt-BR");
            }
        }
        if let Some(attributes) = &self.attributes {
            super::response::validate_flat_map(problems, &field("attributes"), attributes);
        }
    }
}

/// `de`, `de_DE`, `pt-BR`, `zh-Hant`: letters, then optional parts.
pub fn is_locale(text: &str) -> bool {
    let mut parts = text.split(['-', '_']);
    let first_ok =
        parts.next().is_some_and(|p| (2..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic()));
    first_ok
        && text.len() <= 20
        && parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The primary language of a locale, lower case: `de_DE` → `de`.
pub fn primary_language(locale: &str) -> String {
    locale.split(['-', '_']).next().unwrap_or(locale).to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems_of(input: &ContactInput) -> Vec<String> {
        let mut p = Problems::default();
        input.validate(&mut p, "contacts[0]");
        match p.into_result() {
            Ok(()) => vec![],
            Err(super::super::AppError::Validation { errors }) => errors.into_iter().map(|e| e.field).collect(),
            Err(other) => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_contact_needs_a_key() {
        assert_eq!(problems_of(&ContactInput::default()), vec!["contacts[0]"]);
        let ok = ContactInput { external_id: Some("crm-1".into()), ..Default::default() };
        assert!(problems_of(&ok).is_empty());
    }

    #[test]
    fn fields_are_checked_and_named() {
        let bad = ContactInput {
            email: Some("not an email".into()),
            locale: Some("german!".into()),
            phone: Some("call me".into()),
            ..Default::default()
        };
        assert_eq!(problems_of(&bad), vec!["contacts[0].email", "contacts[0].phone", "contacts[0].locale"]);
    }

    #[test]
    fn locales() {
        assert!(is_locale("de_DE") && is_locale("pt-BR") && is_locale("el") && is_locale("zh-Hant"));
        assert!(!is_locale("d") && !is_locale("de__DE") && !is_locale("12"));
        assert_eq!(primary_language("de_DE"), "de");
    }
}
