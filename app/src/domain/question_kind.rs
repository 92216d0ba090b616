//! What a question asks for: its `type` (a public API name) and the settings
//! that type brings. The rules those settings must follow are in
//! `question_checks`.

pub use super::question_checks::is_https_url;
pub(crate) use super::question_checks::is_valid_key;
pub(super) use super::question_checks::validate_kind;
use serde::{Deserialize, Serialize};

pub const MAX_CHOICES: usize = 50;
/// A drop-down exists for long lists (countries, stores, products).
pub const MAX_DROPDOWN_CHOICES: usize = 1_000;
pub const MAX_MATRIX_ROWS: usize = 50;
pub const MAX_MATRIX_COLUMNS: usize = 20;
pub use super::number_text::{
    format_number, format_thousandths, is_date, is_exact_number, parse_thousandths, thousandths, MAX_NUMBER,
    NUMBER_DECIMALS,
};

pub const MAX_LABEL_LEN: usize = 100;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Choice {
    pub id: String,
    /// The text shown; for `picture_choice`, the image's caption and alt text.
    pub label: String,
    /// `picture_choice` only: the image, an https address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// Keeps its place when the question's choices are shuffled ("None of
    /// the above", "Don't know").
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub anchored: bool,
}

impl Choice {
    pub fn new(id: impl Into<String>, label: impl Into<String>) -> Self {
        Choice { id: id.into(), label: label.into(), image_url: None, anchored: false }
    }
}

/// A matrix row: answered with one of the matrix's columns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MatrixRow {
    pub id: String,
    pub label: String,
    /// This row must be answered even when the question as a whole is optional.
    #[serde(default)]
    pub required: bool,
}

/// One field of a `contact_info` or `address` question; fields not listed are not shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct InfoField {
    /// `contact_info`: firstName, lastName, email, phone, company.
    /// `address`: line1, line2, city, region, postalCode, country.
    pub name: String,
    #[serde(default)]
    pub required: bool,
}

pub const CONTACT_FIELDS: [&str; 5] = ["firstName", "lastName", "email", "phone", "company"];
pub const ADDRESS_FIELDS: [&str; 6] = ["line1", "line2", "city", "region", "postalCode", "country"];

fn all_fields(names: &[&str]) -> Vec<InfoField> {
    names.iter().map(|n| InfoField { name: n.to_string(), required: false }).collect()
}

fn contact_fields() -> Vec<InfoField> {
    all_fields(&CONTACT_FIELDS)
}

fn address_fields() -> Vec<InfoField> {
    all_fields(&ADDRESS_FIELDS)
}

/// What a question asks for; the `type` names are part of the public API.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum QuestionKind {
    /// Net Promoter Score, 0–10.
    Nps,
    /// 1..=scale, scale 3–10, shown as numbers or stars.
    Rating {
        scale: u8,
        #[serde(default)]
        style: RatingStyle,
    },
    /// Customer satisfaction, 1–5.
    Csat,
    /// One choice id; with `allowOther`, also `"other"` plus the text in
    /// the answer `<questionId>.other`.
    SingleChoice {
        choices: Vec<Choice>,
        #[serde(default)]
        allow_other: bool,
    },
    /// A list of distinct choice ids; `allowOther` as for `single_choice`.
    MultipleChoice {
        choices: Vec<Choice>,
        #[serde(default)]
        allow_other: bool,
    },
    Text {
        #[serde(default)]
        multiline: bool,
    },
    Email,
    /// One choice id from a long list shown as a drop-down (typing finds an
    /// entry); `allowOther` as for `single_choice`.
    Dropdown {
        choices: Vec<Choice>,
        #[serde(default)]
        allow_other: bool,
    },
    /// The choices put in order: a list of choice ids, first place first. With
    /// `rankCount`, only the top N are ranked.
    Ranking {
        choices: Vec<Choice>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rank_count: Option<u8>,
    },
    /// One column per row: an object of row id → column id.
    Matrix {
        rows: Vec<MatrixRow>,
        columns: Vec<Choice>,
    },
    /// A number from `min` to `max`, on `step` counted from `min` (or 0), with at
    /// most three decimals; `unit` is shown beside the field.
    Number {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        step: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<String>,
    },
    /// A calendar date, `YYYY-MM-DD`, from `min` to `max`.
    Date {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<String>,
    },
    /// A statement (`label`) the respondent accepts; the answer is `true`.
    /// Required consent must be given to finish.
    Consent {
        label: String,
    },
    /// Text with no answer, and an optional button to `buttonUrl`; the answer
    /// `"clicked"` records that the respondent followed it.
    Statement {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        button_label: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        button_url: Option<String>,
    },
    /// Choices shown as images (each choice's `imageUrl`; its `label` is the
    /// caption and alt text): one choice id, or a list with `multiple`.
    PictureChoice {
        choices: Vec<Choice>,
        #[serde(default)]
        multiple: bool,
    },
    /// An object of the shown fields' texts (firstName, lastName, email,
    /// phone, company). Fills the response's responder when it has none.
    ContactInfo {
        #[serde(default = "contact_fields")]
        fields: Vec<InfoField>,
    },
    /// An object of the shown fields' texts (line1, line2, city, region,
    /// postalCode, country).
    Address {
        #[serde(default = "address_fields")]
        fields: Vec<InfoField>,
    },
}

/// Whether this build carries the controls and rules of every type. Only the
/// classic widget bundle (feature `widget-classic`) leaves the newer ten out;
/// the survey page loads it only for surveys that use none of them. Code for
/// the ten behind `if EVERY_TYPE_BUILT` is dropped from that bundle by the
/// compiler.
pub const EVERY_TYPE_BUILT: bool = !cfg!(feature = "widget-classic");

/// Every `type` name, in the order the builder offers them.
pub const TYPE_NAMES: [&str; 17] = [
    "nps",
    "rating",
    "csat",
    "single_choice",
    "multiple_choice",
    "dropdown",
    "picture_choice",
    "ranking",
    "matrix",
    "text",
    "email",
    "number",
    "date",
    "contact_info",
    "address",
    "consent",
    "statement",
];

impl QuestionKind {
    /// One of the seven types Vox began with. A survey of only these is
    /// served the classic widget bundle, which leaves the other ten out.
    pub fn is_classic(&self) -> bool {
        matches!(
            self,
            QuestionKind::Nps
                | QuestionKind::Rating { .. }
                | QuestionKind::Csat
                | QuestionKind::SingleChoice { .. }
                | QuestionKind::MultipleChoice { .. }
                | QuestionKind::Text { .. }
                | QuestionKind::Email
        )
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            QuestionKind::Nps => "nps",
            QuestionKind::Rating { .. } => "rating",
            QuestionKind::Csat => "csat",
            QuestionKind::SingleChoice { .. } => "single_choice",
            QuestionKind::MultipleChoice { .. } => "multiple_choice",
            QuestionKind::Text { .. } => "text",
            QuestionKind::Email => "email",
            QuestionKind::Dropdown { .. } => "dropdown",
            QuestionKind::Ranking { .. } => "ranking",
            QuestionKind::Matrix { .. } => "matrix",
            QuestionKind::Number { .. } => "number",
            QuestionKind::Date { .. } => "date",
            QuestionKind::Consent { .. } => "consent",
            QuestionKind::Statement { .. } => "statement",
            QuestionKind::PictureChoice { .. } => "picture_choice",
            QuestionKind::ContactInfo { .. } => "contact_info",
            QuestionKind::Address { .. } => "address",
        }
    }

    /// The inclusive range of a numeric scale question, if this is one.
    pub fn scale(&self) -> Option<(i64, i64)> {
        match self {
            QuestionKind::Nps => Some((0, 10)),
            QuestionKind::Rating { scale, .. } => Some((1, i64::from(*scale))),
            QuestionKind::Csat => Some((1, 5)),
            _ => None,
        }
    }

    /// The choices of a choice, drop-down, picture or ranking question (a
    /// matrix's columns are not its choices: see `Matrix`).
    pub fn choices(&self) -> Option<&[Choice]> {
        match self {
            QuestionKind::SingleChoice { choices, .. }
            | QuestionKind::MultipleChoice { choices, .. }
            | QuestionKind::Dropdown { choices, .. }
            | QuestionKind::Ranking { choices, .. }
            | QuestionKind::PictureChoice { choices, .. } => Some(choices),
            _ => None,
        }
    }

    pub fn choices_mut(&mut self) -> Option<&mut Vec<Choice>> {
        match self {
            QuestionKind::SingleChoice { choices, .. }
            | QuestionKind::MultipleChoice { choices, .. }
            | QuestionKind::Dropdown { choices, .. }
            | QuestionKind::Ranking { choices, .. }
            | QuestionKind::PictureChoice { choices, .. }
            | QuestionKind::Matrix { columns: choices, .. } => Some(choices),
            _ => None,
        }
    }

    /// The ids stored answers refer to: choices, and a matrix's rows and columns.
    pub fn option_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self.choices().unwrap_or_default().iter().map(|c| c.id.as_str()).collect();
        if let QuestionKind::Matrix { rows, columns } = self {
            ids.extend(rows.iter().map(|r| r.id.as_str()).chain(columns.iter().map(|c| c.id.as_str())));
        }
        ids
    }

    /// Whether the visitor may answer "other" with their own words.
    pub fn allows_other(&self) -> bool {
        matches!(
            self,
            QuestionKind::SingleChoice { allow_other: true, .. }
                | QuestionKind::MultipleChoice { allow_other: true, .. }
                | QuestionKind::Dropdown { allow_other: true, .. }
        )
    }

    /// Whether the answer is a list of choice ids (one row each in the index).
    pub fn answers_many(&self) -> bool {
        matches!(self, QuestionKind::MultipleChoice { .. } | QuestionKind::PictureChoice { multiple: true, .. })
    }

    /// The fields of a contact or address question.
    pub fn info_fields(&self) -> Option<&[InfoField]> {
        match self {
            QuestionKind::ContactInfo { fields } | QuestionKind::Address { fields } => Some(fields),
            _ => None,
        }
    }

    /// The parts answered separately, each under `<questionId>.<part>`:
    /// a matrix's rows, a contact or address question's fields.
    pub fn parts(&self) -> Vec<&str> {
        match self {
            QuestionKind::Matrix { rows, .. } => rows.iter().map(|r| r.id.as_str()).collect(),
            QuestionKind::ContactInfo { fields } | QuestionKind::Address { fields } => {
                fields.iter().map(|f| f.name.as_str()).collect()
            }
            _ => Vec::new(),
        }
    }

    /// How many places a ranking asks for.
    pub fn ranked_places(&self) -> usize {
        match self {
            QuestionKind::Ranking { choices, rank_count } => {
                rank_count.map_or(choices.len(), |n| usize::from(n).min(choices.len()))
            }
            _ => 0,
        }
    }
}

/// The choice id that stands for "other"; its text is the answer `<questionId>.other`.
pub const OTHER_CHOICE: &str = "other";

/// The answers key that carries a question's "other" text.
pub fn other_key(question_id: &str) -> String {
    format!("{question_id}.{OTHER_CHOICE}")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RatingStyle {
    #[default]
    Numbers,
    Stars,
}

impl RatingStyle {
    /// The style's name in JSON (the same as serde's; a test checks).
    pub fn as_str(self) -> &'static str {
        match self {
            RatingStyle::Numbers => "numbers",
            RatingStyle::Stars => "stars",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        [RatingStyle::Numbers, RatingStyle::Stars].into_iter().find(|s| s.as_str() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::error::Problems;
    use serde_json::json;

    fn kind(value: serde_json::Value) -> QuestionKind {
        serde_json::from_value(value).unwrap()
    }

    fn problems_of(kind: &QuestionKind, required: bool) -> Vec<String> {
        let mut problems = Problems::default();
        validate_kind(&mut problems, 0, kind, required);
        match problems.into_result() {
            Ok(()) => Vec::new(),
            Err(super::super::AppError::Validation { errors }) => errors.into_iter().map(|f| f.field).collect(),
            Err(other) => panic!("{other:?}"),
        }
    }

    #[test]
    fn every_type_name_reads_back() {
        let samples = [
            json!({"type": "dropdown", "choices": [{"id": "a", "label": "A"}]}),
            json!({"type": "ranking", "choices": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}], "rankCount": 1}),
            json!({"type": "matrix", "rows": [{"id": "r1", "label": "Speed"}], "columns": [{"id": "good", "label": "Good"}, {"id": "bad", "label": "Bad"}]}),
            json!({"type": "number", "min": 0, "max": 10.5, "step": 0.5, "unit": "kg"}),
            json!({"type": "date", "min": "2026-01-01"}),
            json!({"type": "consent", "label": "I agree"}),
            json!({"type": "statement", "buttonLabel": "Read", "buttonUrl": "https://example.com"}),
            json!({"type": "picture_choice", "choices": [{"id": "a", "label": "Red", "imageUrl": "https://example.com/r.png"}]}),
            json!({"type": "contact_info"}),
            json!({"type": "address", "fields": [{"name": "city", "required": true}]}),
        ];
        let mut names = Vec::new();
        for sample in samples {
            let k = kind(sample.clone());
            assert_eq!(k.type_name(), sample["type"], "{sample}");
            assert!(problems_of(&k, false).is_empty(), "{sample}: {:?}", problems_of(&k, false));
            assert_eq!(serde_json::to_value(&k).unwrap()["type"], sample["type"]);
            names.push(k.type_name());
        }
        for name in names {
            assert!(TYPE_NAMES.contains(&name), "{name}");
        }
        assert_eq!(kind(json!({"type": "contact_info"})).info_fields().unwrap().len(), 5, "all fields by default");
    }

    #[test]
    fn settings_that_cannot_work_are_named() {
        let cases = [
            (json!({"type": "ranking", "choices": [{"id": "a", "label": "A"}]}), "questions[0].choices"),
            (
                json!({"type": "ranking", "choices": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}], "rankCount": 3}),
                "questions[0].rankCount",
            ),
            (
                json!({"type": "matrix", "rows": [], "columns": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}]}),
                "questions[0].rows",
            ),
            (
                json!({"type": "matrix", "rows": [{"id": "r", "label": "R"}, {"id": "r", "label": "S"}], "columns": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}]}),
                "questions[0].rows[1].id",
            ),
            (
                json!({"type": "matrix", "rows": [{"id": "r", "label": "R"}], "columns": [{"id": "a", "label": "A"}]}),
                "questions[0].columns",
            ),
            (json!({"type": "number", "min": 5, "max": 1}), "questions[0].max"),
            (json!({"type": "number", "step": 0.0001}), "questions[0].step"),
            (json!({"type": "number", "step": -1}), "questions[0].step"),
            (json!({"type": "date", "min": "2026-02-30"}), "questions[0].min"),
            (json!({"type": "date", "min": "2026-02-03", "max": "2026-02-01"}), "questions[0].max"),
            (json!({"type": "consent", "label": " "}), "questions[0].label"),
            (
                json!({"type": "statement", "buttonLabel": "Go", "buttonUrl": "javascript:alert(1)"}),
                "questions[0].buttonUrl",
            ),
            (json!({"type": "statement", "buttonUrl": "https://example.com"}), "questions[0].buttonLabel"),
            (
                json!({"type": "picture_choice", "choices": [{"id": "a", "label": "A"}]}),
                "questions[0].choices[0].imageUrl",
            ),
            (
                json!({"type": "picture_choice", "choices": [{"id": "a", "label": "A", "imageUrl": "http://x.example/a.png"}]}),
                "questions[0].choices[0].imageUrl",
            ),
            (
                json!({"type": "single_choice", "choices": [{"id": "a", "label": "A", "imageUrl": "https://x.example/a.png"}]}),
                "questions[0].choices[0].imageUrl",
            ),
            (json!({"type": "contact_info", "fields": [{"name": "fax"}]}), "questions[0].fields[0].name"),
            (json!({"type": "address", "fields": []}), "questions[0].fields"),
            (
                json!({"type": "dropdown", "choices": [{"id": "other", "label": "O"}], "allowOther": true}),
                "questions[0].choices",
            ),
        ];
        for (sample, field) in cases {
            let found = problems_of(&kind(sample.clone()), false);
            assert!(found.iter().any(|f| f == field), "{sample}: expected {field}, got {found:?}");
        }
        let statement = kind(json!({"type": "statement"}));
        assert_eq!(problems_of(&statement, true), vec!["questions[0].required"]);
    }
}
