//! A survey response, and the small key/value maps that travel with it.

use super::answers::Answers;
use super::error::Problems;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub const MAX_MAP_KEYS: usize = 50;
pub const MAX_KEY_LEN: usize = 64;
pub const MAX_VALUE_LEN: usize = 1_000;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(example = json!({"id": "rsp_01hzx8m3q5s7u9w1y3a5c7e9g1", "surveyId": "srv_01hzx8k2m4n6p8r0t2v4x6z8b0", "answers": {"q1": 9}, "metadata": {"orderId": "A-1042"}, "hiddenFields": {}, "contactId": null, "completed": true, "createdAt": "2026-11-25T10:00:00Z", "updatedAt": "2026-11-25T10:00:00Z", "completedAt": "2026-11-25T10:00:00Z"})))]
#[serde(rename_all = "camelCase")]
pub struct SurveyResponse {
    pub id: String,
    pub survey_id: String,
    /// `{questionId: value}`.
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub answers: Answers,
    /// Context attached by the host page or the API: `{key: string | number | boolean}`.
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub metadata: Map<String, Value>,
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub hidden_fields: Map<String, Value>,
    pub contact_id: Option<String>,
    pub completed: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    /// The language the survey was shown in.
    #[serde(default)]
    pub language: Option<String>,
    /// The published version of the survey the answers were given under
    /// (its latest write's; `GET /api/surveys/{id}/versions/{number}`).
    #[serde(default = "first_version")]
    pub survey_version: i64,
    /// What the survey's logic calculated (`{score: 3}`), as of the latest answers.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub variables: Map<String, Value>,
    /// The id of the ending a complete response reached through logic; `null`
    /// for the standard thank-you (or while incomplete).
    #[serde(default)]
    pub ending: Option<String>,
    /// The organisation's tags on the response, by name. In what the API and
    /// exports read; absent from webhook payloads (tags change on their own,
    /// after the respondent's events).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
}

fn first_version() -> i64 {
    1
}

/// What a respondent (widget, embed, or API client) submits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(example = json!({"answers": {"q1": 9, "q2": "Quick delivery"}, "metadata": {"orderId": "A-1042", "plan": "pro"}, "completed": true})))]
#[serde(rename_all = "camelCase")]
pub struct ResponseInput {
    /// `{questionId: value}`, checked against the survey's questions.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub answers: Answers,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub metadata: Map<String, Value>,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub hidden_fields: Map<String, Value>,
    /// Defaults to true: a one-shot submission is a complete response.
    #[serde(default = "yes")]
    pub completed: bool,
    /// The language the survey was shown in; one of the survey's languages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Who is answering: links the response to a contact (found or created).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responder: Option<Responder>,
    /// The token of the personal invitation link (`?i=…`) the survey was
    /// opened with: the response is then the invited contact's, and carries
    /// the event's context. One response per invitation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invitation: Option<String>,
}

/// The respondent as the host page knows them (e-satisfaction's `responder`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Responder {
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default, alias = "phone", alias = "phoneNumber")]
    pub phone_number: Option<String>,
    #[serde(default, alias = "firstName")]
    pub first_name: Option<String>,
    #[serde(default, alias = "lastName")]
    pub last_name: Option<String>,
    #[serde(default, alias = "externalId")]
    pub external_id: Option<String>,
}

impl Responder {
    /// The respondent as a `contact_info` answer names them (the first such
    /// answer with an email or a phone that makes a valid responder): how a
    /// survey's own contact question fills the response's contact.
    pub fn from_answers(questions: &[super::survey::Question], answers: &Answers) -> Option<Responder> {
        let contact_questions =
            questions.iter().filter(|q| matches!(q.kind, super::survey::QuestionKind::ContactInfo { .. }));
        contact_questions.into_iter().find_map(|q| {
            let answer = answers.get(&q.id)?.as_object()?;
            let text = |key: &str| {
                answer.get(key).and_then(Value::as_str).map(str::trim).filter(|t| !t.is_empty()).map(str::to_string)
            };
            let responder = Responder {
                email: text("email"),
                phone_number: text("phone"),
                first_name: text("firstName"),
                last_name: text("lastName"),
                external_id: None,
            };
            let mut problems = Problems::default();
            responder.validate(&mut problems);
            problems.is_empty().then_some(responder)
        })
    }

    /// Checks the fields and names every problem under `responder.`.
    pub fn validate(&self, problems: &mut Problems) {
        if self.email.is_none() && self.phone_number.is_none() && self.external_id.is_none() {
            problems.add("responder", "needs an email, a phone_number or an external_id");
        }
        if let Some(email) = &self.email {
            if !super::answers::looks_like_email(email) {
                problems.add("responder.email", "must be an email address");
            }
        }
        if let Some(phone) = &self.phone_number {
            if !super::answers::looks_like_phone(phone) {
                problems.add("responder.phone_number", "must be a phone number");
            }
        }
        for (field, value) in
            [("first_name", &self.first_name), ("last_name", &self.last_name), ("external_id", &self.external_id)]
        {
            if let Some(v) = value {
                if v.trim().is_empty() || v.chars().count() > 200 || v.chars().any(char::is_control) {
                    problems.add(format!("responder.{field}"), "1–200 characters");
                }
            }
        }
    }
}

/// A respondent continuing their response (`PATCH /api/client/responses/{id}`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(example = json!({"answers": {"q2": "Quick delivery"}, "metadata": {"plan": "pro"}, "completed": true})))]
#[serde(rename_all = "camelCase")]
pub struct ResponsePatch {
    /// Answers to add or change (`null` clears one); merged into the response.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Object>))]
    pub answers: Option<Answers>,
    /// Metadata keys to add or change; merged, later values win.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Object>))]
    pub metadata: Option<Map<String, Value>>,
    /// `true` completes the response (required questions must then be answered).
    #[serde(default)]
    pub completed: Option<bool>,
    /// Links the response to a contact (also after completion).
    #[serde(default)]
    pub responder: Option<Responder>,
}

fn yes() -> bool {
    true
}

impl Default for ResponseInput {
    /// Like the JSON default: a complete response with no answers yet.
    fn default() -> Self {
        ResponseInput {
            answers: Answers::new(),
            metadata: Map::new(),
            hidden_fields: Map::new(),
            completed: true,
            language: None,
            responder: None,
            invitation: None,
        }
    }
}

/// Checks a flat map of context values (metadata, hidden fields): bounded
/// size, simple keys, and only strings, numbers or booleans as values.
pub fn validate_flat_map(problems: &mut Problems, field: &str, map: &Map<String, Value>) {
    if map.len() > MAX_MAP_KEYS {
        problems.add(field, format!("at most {MAX_MAP_KEYS} keys"));
        return;
    }
    for (key, value) in map {
        let at = format!("{field}.{key}");
        let key_ok = !key.is_empty()
            && key.len() <= MAX_KEY_LEN
            && key.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
        if !key_ok {
            problems.add(at, format!("keys are 1–{MAX_KEY_LEN} letters, digits, '_', '-' or '.'"));
            continue;
        }
        match value {
            Value::String(s) if s.chars().count() > MAX_VALUE_LEN => {
                problems.add(at, format!("at most {MAX_VALUE_LEN} characters"))
            }
            Value::String(_) | Value::Number(_) | Value::Bool(_) => {}
            _ => problems.add(at, "must be a string, a number or a boolean"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn flat_maps_take_scalars_only() {
        let mut p = Problems::default();
        let m = json!({"orderId": "A-1", "n": 3, "ok": true, "bad key": 1, "nested": {"a": 1}});
        validate_flat_map(&mut p, "metadata", m.as_object().unwrap());
        let err = p.into_result().unwrap_err();
        assert!(err.message_for("metadata.bad key").is_some());
        assert!(err.message_for("metadata.nested").is_some());
        assert!(err.message_for("metadata.orderId").is_none());
    }

    #[test]
    fn input_defaults_to_completed() {
        let input: ResponseInput = serde_json::from_str(r#"{"answers":{}}"#).unwrap();
        assert!(input.completed);
    }
}
