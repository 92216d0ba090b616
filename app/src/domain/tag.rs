//! Tags an organisation puts on responses ("refund asked", "athens store"),
//! and the internal notes its members write on a response: their shapes and
//! the rules for what may be stored.

use super::error::{AppError, Problems};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub const MAX_TAG_NAME_LEN: usize = 40;
/// Tags one organisation may define.
pub const MAX_TAGS: i64 = 500;
pub const MAX_NOTE_LEN: usize = 5_000;
/// Tags one bulk call may add or remove, and responses it may name.
pub const MAX_BULK_TAGS: usize = 20;
pub const MAX_BULK_RESPONSE_IDS: usize = 1_000;

/// The colours offered in the dashboard; any `#rrggbb` is accepted.
pub const PALETTE: [&str; 8] = ["#2563eb", "#16a34a", "#dc2626", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4b5563"];

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(example = json!({"id": "tag_01hzx8m3q5s7u9w1y3a5c7e9g1", "name": "refund asked", "color": "#dc2626", "responseCount": 12, "createdAt": "2026-12-07T10:00:00Z", "updatedAt": "2026-12-07T10:00:00Z"})))]
#[serde(rename_all = "camelCase")]
pub struct Tag {
    pub id: String,
    pub name: String,
    /// `#rrggbb`.
    pub color: String,
    /// Responses carrying the tag now.
    pub response_count: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A new tag.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TagInput {
    /// 1–40 characters, unique in the organisation regardless of case; no semicolon.
    #[cfg_attr(feature = "ssr", schema(min_length = 1, max_length = 40, pattern = "^[^;]*$"))]
    pub name: String,
    /// `#rrggbb`; one of the dashboard's colours when left out.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(pattern = "^\\s*#[0-9a-fA-F]{6}\\s*$"))]
    pub color: Option<String>,
}

/// Changes to a tag; fields left out stay.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TagPatch {
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(min_length = 1, max_length = 40, pattern = "^[^;]*$"))]
    pub name: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(pattern = "^\\s*#[0-9a-fA-F]{6}\\s*$"))]
    pub color: Option<String>,
}

/// A tag's name as stored (trimmed, inner runs of spaces kept), or the problem with it.
pub fn check_name(problems: &mut Problems, field: &str, name: &str) -> String {
    let name = name.trim();
    if name.is_empty() {
        problems.add(field, "give the tag a name");
    } else if name.chars().count() > MAX_TAG_NAME_LEN {
        problems.add(field, format!("at most {MAX_TAG_NAME_LEN} characters"));
    } else if name.chars().any(char::is_control) {
        problems.add(field, "must not contain control characters");
    } else if name.contains(';') {
        // The CSV export lists a response's tags separated by semicolons.
        problems.add(field, "must not contain a semicolon");
    }
    name.to_string()
}

/// The form names are compared in: "Urgent" and "urgent" are one tag.
pub fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// A colour as stored (lower case), or the problem with it.
pub fn check_color(problems: &mut Problems, field: &str, color: &str) -> String {
    let color = color.trim().to_ascii_lowercase();
    let well_formed = color.len() == 7 && color.starts_with('#') && color[1..].bytes().all(|b| b.is_ascii_hexdigit());
    if !well_formed {
        problems.add(field, "a colour as #rrggbb, e.g. #dc2626");
    }
    color
}

/// Black or white, whichever reads better on `color` (`#rrggbb`; white on
/// anything unreadable), by the colour's relative luminance (WCAG).
pub fn text_color_on(color: &str) -> &'static str {
    let channel = |i: usize| {
        let c = color.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()).unwrap_or(0) as f64 / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
    // White wins while its contrast (1.05 / (L + 0.05)) beats black's ((L + 0.05) / 0.05).
    if luminance > 0.179 {
        "#000000"
    } else {
        "#ffffff"
    }
}

/// The colour a new tag gets when none is given: the palette in turn.
pub fn default_color(existing_tags: i64) -> &'static str {
    PALETTE[(existing_tags.max(0) as usize) % PALETTE.len()]
}

/// Adding and removing tags on many responses at once: those the query
/// string's filter matches, or only the listed ones among them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BulkTagging {
    /// Tag ids (`tag_…`) to put on each response.
    #[serde(default)]
    pub add: Vec<String>,
    /// Tag ids to take off each response.
    #[serde(default)]
    pub remove: Vec<String>,
    /// Only these responses (`rsp_…`, up to 1,000) among those the filter matches.
    #[serde(default)]
    pub response_ids: Option<Vec<String>>,
}

impl BulkTagging {
    pub fn check(&self) -> Result<(), AppError> {
        let mut problems = Problems::default();
        if self.add.is_empty() && self.remove.is_empty() {
            problems.add("add", "name at least one tag to add or remove");
        }
        for (field, ids) in [("add", &self.add), ("remove", &self.remove)] {
            if ids.len() > MAX_BULK_TAGS {
                problems.add(field, format!("at most {MAX_BULK_TAGS} tags"));
            }
        }
        if let Some((i, _)) = self.add.iter().enumerate().find(|(_, id)| self.remove.contains(id)) {
            problems.add(format!("add[{i}]"), "a tag cannot be added and removed at once");
        }
        if self.response_ids.as_ref().is_some_and(|ids| ids.is_empty() || ids.len() > MAX_BULK_RESPONSE_IDS) {
            problems.add(
                "responseIds",
                format!("1–{MAX_BULK_RESPONSE_IDS} response ids, or leave it out for all that match"),
            );
        }
        problems.into_result()
    }
}

/// What a bulk call did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct BulkTagResult {
    /// Responses the filter (and `responseIds`) matched.
    pub matched: i64,
    /// Tags put on responses that did not carry them yet.
    pub added: i64,
    /// Tags taken off responses that carried them.
    pub removed: i64,
}

/// Who wrote a note.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NoteAuthor {
    pub id: String,
    pub email: String,
}

/// A member's internal note on a response. Never shown to respondents, and
/// in webhook payloads only for endpoints subscribed to `response.note.created`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(example = json!({"id": "nte_01hzx8m3q5s7u9w1y3a5c7e9g1", "responseId": "rsp_01hzx8m3q5s7u9w1y3a5c7e9g1", "surveyId": "srv_01hzx8k2m4n6p8r0t2v4x6z8b0", "author": {"id": "usr_01hzx8m3q5s7u9w1y3a5c7e9g1", "email": "ana@example.com"}, "body": "Called back, voucher sent.", "createdAt": "2026-12-07T10:00:00Z", "updatedAt": "2026-12-07T10:00:00Z"})))]
#[serde(rename_all = "camelCase")]
pub struct ResponseNote {
    pub id: String,
    pub response_id: String,
    pub survey_id: String,
    /// `null` once the author's account is gone.
    pub author: Option<NoteAuthor>,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A note's text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NoteInput {
    /// 1–5,000 characters, kept as text (never markup).
    #[cfg_attr(feature = "ssr", schema(min_length = 1, max_length = 5000))]
    pub body: String,
}

impl NoteInput {
    /// The body as stored (trimmed), or a 422 naming `body`.
    pub fn checked_body(&self) -> Result<String, AppError> {
        let body = self.body.trim();
        if body.is_empty() {
            return Err(AppError::field("body", "write something"));
        }
        if body.chars().count() > MAX_NOTE_LEN {
            return Err(AppError::field("body", format!("at most {MAX_NOTE_LEN} characters")));
        }
        if body.chars().any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r') {
            return Err(AppError::field("body", "must not contain control characters"));
        }
        Ok(body.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_colours_are_checked_and_normalised() {
        let mut problems = Problems::default();
        assert_eq!(check_name(&mut problems, "name", "  Refund asked "), "Refund asked");
        assert_eq!(check_color(&mut problems, "color", "#DC2626"), "#dc2626");
        assert!(problems.is_empty());
        for bad in ["", "   ", &"x".repeat(41), "a\u{7}b", "a;b"] {
            let mut problems = Problems::default();
            check_name(&mut problems, "name", bad);
            assert!(!problems.is_empty(), "{bad:?}");
        }
        for bad in ["red", "#12345", "#1234567", "#gggggg", "dc2626"] {
            let mut problems = Problems::default();
            check_color(&mut problems, "color", bad);
            assert!(!problems.is_empty(), "{bad:?}");
        }
        assert_eq!(name_key(" Urgent "), "urgent");
        assert_eq!(default_color(9), PALETTE[1]);
        assert_eq!(text_color_on("#ffff00"), "#000000");
        assert_eq!(text_color_on("#dc2626"), "#ffffff");
        assert_eq!(text_color_on("#ffffff"), "#000000");
    }

    #[test]
    fn a_bulk_call_must_ask_for_something_sensible() {
        let named = |r: Result<(), AppError>| r.unwrap_err().message_for("add").is_some();
        assert!(named(BulkTagging::default().check()));
        let both = BulkTagging { add: vec!["tag_a".into()], remove: vec!["tag_a".into()], response_ids: None };
        assert!(both.check().unwrap_err().message_for("add[0]").is_some());
        let empty_ids = BulkTagging { add: vec!["tag_a".into()], remove: vec![], response_ids: Some(vec![]) };
        assert!(empty_ids.check().unwrap_err().message_for("responseIds").is_some());
        assert!(BulkTagging { add: vec!["tag_a".into()], ..Default::default() }.check().is_ok());
    }

    #[test]
    fn a_note_is_text_of_a_sensible_length() {
        assert_eq!(NoteInput { body: "  Called back.\n".into() }.checked_body().unwrap(), "Called back.");
        for bad in ["", "  \n ", &"x".repeat(MAX_NOTE_LEN + 1), "a\u{0}b"] {
            assert!(NoteInput { body: bad.to_string() }.checked_body().unwrap_err().message_for("body").is_some());
        }
    }
}
